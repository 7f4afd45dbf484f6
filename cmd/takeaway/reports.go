package main

import (
	"context"
	"fmt"

	"github.com/takeaway-bot/takeaway/bot"
	"github.com/takeaway-bot/takeaway/corpus"
	"github.com/takeaway-bot/takeaway/internal/fetch"
	"github.com/takeaway-bot/takeaway/internal/library"
)

// botLibrary lets the bot add and remove reports: each change goes to the state store, then
// this replica's answers are rebuilt on it before the bot replies (the others follow within a
// poll).
type botLibrary struct {
	a     *app
	fetch fetch.Options
}

func (l botLibrary) MaxBytes() int64 { return l.a.library.MaxBytes() }

func (l botLibrary) AddFile(ctx context.Context, name string, data []byte, userID string) (bot.AddedReport, error) {
	e, isNew, err := l.a.library.Add(ctx, name, data, userID, name)
	return l.settle(ctx, e, isNew, err)
}

func (l botLibrary) AddURL(ctx context.Context, rawURL, userID string) (bot.AddedReport, error) {
	e, isNew, err := addURL(ctx, l.a.library, rawURL, userID, l.fetch)
	return l.settle(ctx, e, isNew, err)
}

func (l botLibrary) Remove(ctx context.Context, id string) (bot.AddedReport, error) {
	e, err := l.a.library.Remove(ctx, id)
	if err != nil {
		return bot.AddedReport{}, err
	}
	if _, err := l.a.refresh(ctx); err != nil {
		return bot.AddedReport{}, fmt.Errorf("removed, but the answers still use it until the next update: %w", err)
	}
	return addedReport(e, eventLabel(e.Doc.Report.Event)), nil
}

// settle makes the answers use a new report before the bot says it is added, and describes
// the report with the event the catalog gave it.
func (l botLibrary) settle(ctx context.Context, e library.Entry, isNew bool, err error) (bot.AddedReport, error) {
	if err != nil {
		return bot.AddedReport{}, err
	}
	if isNew {
		if _, err := l.a.refresh(ctx); err != nil {
			return bot.AddedReport{}, fmt.Errorf("stored, but not indexed yet (it will be on the next update): %w", err)
		}
	}
	event := eventLabel(e.Doc.Report.Event)
	g := l.a.acquire()
	defer g.release()
	for id, added := range g.added {
		if added.ID == e.ID {
			if r, ok := g.reports.Report(id); ok {
				event = eventLabel(r.Event)
			}
		}
	}
	r := addedReport(e, event)
	r.Known = !isNew
	return r, nil
}

func addedReport(e library.Entry, event string) bot.AddedReport {
	return bot.AddedReport{ID: e.ID, Title: e.Doc.Report.Title, Lang: e.Doc.Report.Lang, Event: event,
		Passages: len(e.Doc.Passages), AddedBy: e.AddedBy, AddedAt: e.AddedAt}
}

// eventLabel names an event for people ("" when the report has none).
func eventLabel(e corpus.Event) string {
	if e.Name == "" {
		return ""
	}
	return corpus.CatalogEvent{Event: e}.Label()
}
