package bot

import (
	"context"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/internal/i18n"
)

func TestSlashCommands(t *testing.T) {
	tests := []struct {
		name      string
		user      string
		text      string
		wantReply []string // substrings of the ephemeral reply
		wantLang  string   // the user's stored language afterwards
	}{
		{"empty text shows help", "U1", "", []string{"`/takeaway help`", "`/takeaway sources`", "`/takeaway lang` _xx|auto_", "`/takeaway` _question_"}, ""},
		{"help", "U1", "help", []string{"*takeaway* answers"}, ""},
		{"help in the user's language", "UFR", "help", []string{"*takeaway* répond"}, "fr"},
		{"sources", "U1", "sources", []string{"Reports I know (2):", "<https://example.com/kubecon|KubeCon EU 2024 takeaways>", "Retour de Devoxx &lt;!here&gt;"}, ""},
		{"lang sets", "U1", "lang sv", []string{"Från och med nu svarar jag dig på svenska."}, "sv"},
		{"lang takes a locale", "U1", "lang pt-BR", []string{"português"}, "pt"},
		{"lang unknown lists supported", "U1", "lang xx", []string{"I don't know the language “xx”. Supported languages: " + strings.Join(i18n.Supported(), ", ") + "."}, ""},
		{"lang shows the choice", "UFR", "lang", []string{"Je vous réponds en français."}, "fr"},
		{"lang shows auto", "U1", "lang", []string{"I answer in the language of each question."}, ""},
		{"lang auto clears", "UFR", "lang auto", []string{"I will answer in the language of each question again."}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t)
			_ = env.store.SetUserLang(context.Background(), "UFR", "fr")
			env.postSlash(t, tt.user, tt.text, "trig")
			env.slack.waitFor(t, "the reply", func([]apiCall) bool { return len(env.responses("trig")) == 1 })
			reply := env.responses("trig")[0]
			all := strings.Join(reply.strs(), "\n")
			for _, want := range tt.wantReply {
				if !strings.Contains(all, want) {
					t.Errorf("reply lacks %q:\n%s", want, all)
				}
			}
			if reply.JSON["response_type"] != "ephemeral" {
				t.Errorf("response_type = %v", reply.JSON["response_type"])
			}
			if got, _ := env.store.UserLang(context.Background(), tt.user); got != tt.wantLang {
				t.Errorf("stored language = %q, want %q", got, tt.wantLang)
			}
			env.drain(t)
			if n := len(env.answerer.asked()); n != 0 {
				t.Errorf("a command was sent to the answerer")
			}
		})
	}
}

func TestSlashQuestionsThatLookLikeCommands(t *testing.T) {
	env := newTestEnv(t)
	env.postSlash(t, "U1", "help me understand eBPF", "trig-q")
	env.slack.waitFor(t, "the answer", func([]apiCall) bool { return len(env.responses("trig-q")) == 1 })
	asked := env.answerer.asked()
	if len(asked) != 1 || asked[0].Text != "help me understand eBPF" {
		t.Errorf("asked %+v", asked)
	}
}

func TestLangChoiceIsForced(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setLocale("U1", "ja-JP")
	env.postSlash(t, "U1", "lang it", "trig-l")
	env.slack.waitFor(t, "the reply", func([]apiCall) bool { return len(env.responses("trig-l")) == 1 })
	env.postSlash(t, "U1", "Quali talk su Rust?", "trig-q")
	env.slack.waitFor(t, "the answer", func([]apiCall) bool { return len(env.responses("trig-q")) == 1 })
	q := env.answerer.asked()[0]
	if q.ForceLang != "it" || q.LangHint != "ja-JP" {
		t.Errorf("ForceLang=%q LangHint=%q", q.ForceLang, q.LangHint)
	}
	if q.OnToken != nil {
		t.Error("ephemeral answers cannot be streamed, yet OnToken was set")
	}
}

func TestLocaleCached(t *testing.T) {
	env := newTestEnv(t)
	env.slack.setLocale("U1", "fr-FR")
	for _, trig := range []string{"t1", "t2", "t3"} {
		env.postSlash(t, "U1", "question", trig)
		env.slack.waitFor(t, "the answer", func([]apiCall) bool { return len(env.responses(trig)) == 1 })
	}
	if n := len(env.slack.callsTo("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1 (cached)", n)
	}
	if got := env.slack.callsTo("users.info")[0].Form.Get("include_locale"); got != "true" {
		t.Errorf("include_locale = %q", got)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	cat := i18n.MustNew()
	for _, lang := range i18n.Supported() {
		help := helpText(cat, newCommands(), lang)
		for _, c := range newCommands() {
			if !strings.Contains(help, "`"+strings.TrimSpace(slashCommand+" "+c.Name)+"`") {
				t.Errorf("%s help lacks %q", lang, c.Name)
			}
		}
	}
}

func TestDailyHelpForAdmins(t *testing.T) {
	cat := i18n.MustNew()
	off := dailyHelp(cat, nil, "en")
	on := dailyHelp(cat, []DailySchedule{{Channel: "C0123", Time: "09:00", TimeZone: "Europe/Paris", Lang: "fr"}}, "fr")
	if !strings.Contains(off, "TAKEAWAY_DAILY_ENABLED") {
		t.Errorf("off: %q does not say how to turn it on", off)
	}
	if !strings.Contains(on, "<#C0123> 09:00 Europe/Paris (fr)") || !strings.Contains(on, "Enseignement du jour") {
		t.Errorf("on (fr): %q", on)
	}
}
