package i18n

// botMessages holds the Slack bot's own sentences (help, limits, errors).
func botMessages() Table {
	return Table{}
}
