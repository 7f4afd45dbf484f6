package i18n

// answerMessages holds the sentences that frame an answer.
func answerMessages() Table {
	return Table{}
}
