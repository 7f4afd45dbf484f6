// Package digest posts one takeaway from the reports to each configured Slack channel every
// day: it chooses the passage (Selector), writes it in the channel's language (Composer) and
// runs the schedule exactly once per channel and day (Scheduler), through a Poster that bot
// implements with message metadata.
package digest
