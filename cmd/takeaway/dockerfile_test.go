package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/takeaway-bot/takeaway/internal/config"
)

// The Dockerfile cannot be built here (no Docker engine) nor linted with hadolint (no
// registry this project uses ships it), so this test checks what matters about the image
// and the hadolint rules that apply to it.

// repoRoot is the module root, two levels above this package.
const repoRoot = "../.."

// dockerInstruction is one instruction of a Dockerfile, continuation lines joined.
type dockerInstruction struct {
	Line int
	Cmd  string // upper case: FROM, RUN, …
	Args string
}

// dockerStage is one FROM and the instructions under it.
type dockerStage struct {
	From         dockerInstruction
	Image, Alias string
	Body         []dockerInstruction
}

// parseDockerfile splits a Dockerfile into stages.
func parseDockerfile(t *testing.T, text string) []dockerStage {
	t.Helper()
	var stages []dockerStage
	var pending strings.Builder
	start := 0
	for i, line := range strings.Split(text, "\n") {
		trimmed := strings.TrimSpace(line)
		if pending.Len() == 0 && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if pending.Len() == 0 {
			start = i + 1
		}
		if cont, ok := strings.CutSuffix(trimmed, `\`); ok {
			pending.WriteString(cont + " ")
			continue
		}
		pending.WriteString(trimmed)
		cmd, args, _ := strings.Cut(pending.String(), " ")
		pending.Reset()
		in := dockerInstruction{Line: start, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		if in.Cmd == "FROM" {
			st := dockerStage{From: in}
			var words []string
			for _, w := range strings.Fields(in.Args) {
				if !strings.HasPrefix(w, "--") {
					words = append(words, w)
				}
			}
			if len(words) == 0 {
				t.Fatalf("Dockerfile:%d: FROM without an image", in.Line)
			}
			st.Image = words[0]
			if len(words) == 3 && strings.EqualFold(words[1], "AS") {
				st.Alias = words[2]
			}
			stages = append(stages, st)
			continue
		}
		if len(stages) == 0 {
			if in.Cmd != "ARG" {
				t.Fatalf("Dockerfile:%d: %s before the first FROM", in.Line, in.Cmd)
			}
			continue
		}
		stages[len(stages)-1].Body = append(stages[len(stages)-1].Body, in)
	}
	if pending.Len() > 0 {
		t.Fatal("Dockerfile ends with a line continuation")
	}
	return stages
}

// all returns the instructions of a stage with the given command.
func (s dockerStage) all(cmd string) []dockerInstruction {
	var out []dockerInstruction
	for _, in := range s.Body {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// goBuildLine returns the `go build …` command in text, from "go build" to the end of its line.
func goBuildLine(t *testing.T, where, text string) string {
	t.Helper()
	m := regexp.MustCompile(`go build [^\n;&|>]*`).FindAllString(text, -1)
	if len(m) != 1 {
		t.Fatalf("%s: want exactly one `go build` command, found %d", where, len(m))
	}
	return strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(m[0]), `\`)), " ")
}

// withoutOutput drops the -o flag and its value from a go build command.
func withoutOutput(cmd string) string {
	f := strings.Fields(cmd)
	if i := slices.Index(f, "-o"); i >= 0 && i+1 < len(f) {
		f = slices.Delete(f, i, i+2)
	}
	return strings.Join(f, " ")
}

func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, readRepoFile(t, "Dockerfile"))
	if len(stages) < 2 {
		t.Fatalf("%d stages: want a multi-stage build (a Go toolchain stage, then a small runtime stage)", len(stages))
	}
	final := stages[len(stages)-1]
	aliases := map[string]bool{}

	t.Run("base images are pinned", func(t *testing.T) {
		goMod := readRepoFile(t, "go.mod")
		goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindStringSubmatch(goMod)
		if goVersion == nil {
			t.Fatal("go.mod has no go directive")
		}
		for i, st := range stages {
			if aliases[st.Image] {
				continue // FROM an earlier stage
			}
			name, digest, hasDigest := strings.Cut(st.Image, "@")
			tag := ""
			if j := strings.LastIndex(name, ":"); j > strings.LastIndex(name, "/") {
				name, tag = name[:j], name[j+1:]
			}
			switch {
			case hasDigest && !strings.HasPrefix(digest, "sha256:"):
				t.Errorf("Dockerfile:%d: %s: a digest must be sha256:…", st.From.Line, st.Image)
			case !hasDigest && tag == "":
				t.Errorf("Dockerfile:%d: %s has no tag: pin a version (hadolint DL3006)", st.From.Line, st.Image)
			case tag == "latest":
				t.Errorf("Dockerfile:%d: %s: never build on latest (hadolint DL3007)", st.From.Line, st.Image)
			}
			if name == "golang" && !strings.HasPrefix(tag, goVersion[1]) {
				t.Errorf("Dockerfile:%d: %s builds with another Go than go.mod's go %s", st.From.Line, st.Image, goVersion[1])
			}
			if i < len(stages)-1 && st.Alias == "" {
				t.Errorf("Dockerfile:%d: name the build stage (FROM … AS build) so that COPY --from says what it takes", st.From.Line)
			}
			if st.Alias != "" {
				if aliases[st.Alias] {
					t.Errorf("Dockerfile:%d: stage name %q used twice (hadolint DL3024)", st.From.Line, st.Alias)
				}
				aliases[st.Alias] = true
			}
		}
		if !strings.HasPrefix(stages[0].Image, "golang:") {
			t.Errorf("the first stage builds on %s, want the official golang image", stages[0].Image)
		}
		if aliases[final.Image] || strings.HasPrefix(final.Image, "golang:") {
			t.Errorf("the runtime stage is based on %s, want a small image without the toolchain", final.Image)
		}
	})

	t.Run("COPY --from names an earlier stage", func(t *testing.T) {
		for i, st := range stages {
			earlier := map[string]bool{}
			for _, e := range stages[:i] {
				earlier[e.Alias] = true
			}
			for _, in := range st.all("COPY") {
				for _, f := range strings.Fields(in.Args) {
					if from, ok := strings.CutPrefix(f, "--from="); ok && !earlier[from] {
						t.Errorf("Dockerfile:%d: COPY --from=%s is not an earlier stage (hadolint DL3022/DL3023)", in.Line, from)
					}
				}
			}
		}
	})

	t.Run("static binary built like .ci/run builds it", func(t *testing.T) {
		var build []dockerInstruction
		for _, st := range stages[:len(stages)-1] {
			for _, in := range st.all("RUN") {
				if strings.Contains(in.Args, "go build") {
					build = append(build, in)
				}
			}
		}
		if len(build) != 1 {
			t.Fatalf("%d RUN instructions run go build, want 1", len(build))
		}
		if !strings.Contains(build[0].Args, "CGO_ENABLED=0") {
			t.Errorf("Dockerfile:%d: the build must set CGO_ENABLED=0 for a static binary: %s", build[0].Line, build[0].Args)
		}
		docker := goBuildLine(t, "Dockerfile", build[0].Args)
		const want = "go build -trimpath -ldflags='-s -w' -o /out/takeaway ./cmd/takeaway"
		if docker != want {
			t.Errorf("Dockerfile:%d builds with %q, want %q", build[0].Line, docker, want)
		}
		ci := readRepoFile(t, ".ci/run")
		if got, want := withoutOutput(goBuildLine(t, ".ci/run", ci)), withoutOutput(docker); got != want {
			t.Errorf(".ci/run builds with %q, the Dockerfile with %q: keep them the same", got, want)
		}
		if !regexp.MustCompile(`CGO_ENABLED=0 go build`).MatchString(ci) {
			t.Error(".ci/run does not build with CGO_ENABLED=0 as the Dockerfile does")
		}
	})

	t.Run("runs as a non-root user", func(t *testing.T) {
		users := final.all("USER")
		if len(users) == 0 {
			t.Fatal("the runtime stage sets no USER: the container would run as root (hadolint DL3002)")
		}
		user, _, _ := strings.Cut(users[len(users)-1].Args, ":")
		if user == "" || user == "root" || user == "0" {
			t.Errorf("Dockerfile:%d: USER %s is root", users[len(users)-1].Line, users[len(users)-1].Args)
		}
		// The data volume must be writable by that user: Docker copies the image directory's
		// ownership into a fresh volume.
		owned := false
		for _, in := range final.all("COPY") {
			f := strings.Fields(in.Args)
			if len(f) > 0 && f[len(f)-1] == "/data" && slices.Contains(f, "--chown="+users[len(users)-1].Args) {
				owned = true
			}
		}
		if !owned {
			t.Errorf("/data is not created owned by USER %s: a fresh volume would not be writable", users[len(users)-1].Args)
		}
	})

	t.Run("entry point, data volume and port", func(t *testing.T) {
		for cmd, want := range map[string][]string{"ENTRYPOINT": {"/takeaway"}, "CMD": {"serve"}} {
			ins := final.all(cmd)
			if len(ins) != 1 {
				t.Errorf("%d %s instructions in the runtime stage, want 1 (hadolint DL4003/DL4004)", len(ins), cmd)
				continue
			}
			var got []string
			if err := json.Unmarshal([]byte(ins[0].Args), &got); err != nil {
				t.Errorf("Dockerfile:%d: %s %s is not in exec (JSON) form, so signals would not reach takeaway (hadolint DL3025)", ins[0].Line, cmd, ins[0].Args)
				continue
			}
			if !slices.Equal(got, want) {
				t.Errorf("Dockerfile:%d: %s %q, want %q", ins[0].Line, cmd, got, want)
			}
		}
		if !slices.ContainsFunc(final.all("VOLUME"), func(in dockerInstruction) bool { return in.Args == "/data" || in.Args == `["/data"]` }) {
			t.Error("no VOLUME /data in the runtime stage")
		}
		_, port, _ := strings.Cut(config.Defaults(func(string) string { return "" }).Addr, ":")
		if !slices.ContainsFunc(final.all("EXPOSE"), func(in dockerInstruction) bool { return slices.Contains(strings.Fields(in.Args), port) }) {
			t.Errorf("the runtime stage does not EXPOSE %s, the default TAKEAWAY_ADDR port", port)
		}
	})

	t.Run("the two Slack tokens are enough to serve", func(t *testing.T) {
		env := map[string]string{"SLACK_BOT_TOKEN": "xoxb-1-docker", "SLACK_APP_TOKEN": "xapp-1-docker"}
		for _, in := range final.all("ENV") {
			k, v, ok := strings.Cut(in.Args, "=")
			if !ok || strings.ContainsAny(v, " \"'") {
				t.Fatalf("Dockerfile:%d: write ENV as one KEY=value per instruction (this test reads it so)", in.Line)
			}
			env[k] = v
		}
		if env["TAKEAWAY_DATA_DIR"] != "/data" {
			t.Errorf("TAKEAWAY_DATA_DIR=%q in the image, want /data (the volume)", env["TAKEAWAY_DATA_DIR"])
		}
		if code, _, stderr := runTakeaway(t, env, "config"); code != 0 {
			t.Errorf("takeaway config with the image's environment and the two tokens: exit %d: %s", code, stderr)
		}
	})

	t.Run("hadolint rules that apply", func(t *testing.T) {
		for _, st := range stages {
			for _, in := range st.Body {
				switch in.Cmd {
				case "ADD":
					t.Errorf("Dockerfile:%d: use COPY, not ADD, for files (hadolint DL3020)", in.Line)
				case "MAINTAINER":
					t.Errorf("Dockerfile:%d: MAINTAINER is deprecated; use a LABEL (hadolint DL4000)", in.Line)
				case "WORKDIR":
					if !strings.HasPrefix(in.Args, "/") && !strings.HasPrefix(in.Args, "$") {
						t.Errorf("Dockerfile:%d: WORKDIR %s is relative (hadolint DL3000)", in.Line, in.Args)
					}
				case "RUN":
					for _, rule := range []struct {
						re  string
						why string
					}{
						{`(^|[;&|]\s*)cd\s`, "use WORKDIR instead of cd (hadolint DL3003)"},
						{`\bsudo\b`, "do not use sudo (hadolint DL3004)"},
						{`apt-get\s+(dist-)?upgrade`, "do not upgrade the base image's packages (hadolint DL3005)"},
						{`:latest\b`, "do not fetch latest versions (hadolint DL3007)"},
					} {
						if regexp.MustCompile(rule.re).MatchString(in.Args) {
							t.Errorf("Dockerfile:%d: %s: %s", in.Line, rule.why, in.Args)
						}
					}
					if strings.Contains(in.Args, "apt-get install") &&
						(!strings.Contains(in.Args, "--no-install-recommends") || !regexp.MustCompile(`install\s+(-\S*y|--yes)`).MatchString(in.Args)) {
						t.Errorf("Dockerfile:%d: apt-get install needs -y and --no-install-recommends (hadolint DL3014/DL3015)", in.Line)
					}
				}
			}
		}
	})
}

// TestBinaryEmbedsTimeZones: the runtime image has no /usr/share/zoneinfo of its own to rely
// on, so the daily posts' IANA time zones must come with the binary.
func TestBinaryEmbedsTimeZones(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	if !slices.Contains(strings.Fields(string(out)), "time/tzdata") {
		t.Error("cmd/takeaway does not link time/tzdata: import _ \"time/tzdata\" in main.go")
	}
}

// TestDockerignoreKeepsTheBuildInputs: every file `go build ./cmd/takeaway` reads (Go
// sources and go:embed files of the module's packages, go.mod, go.sum) stays in the build
// context, and the repository's history does not.
func TestDockerignoreKeepsTheBuildInputs(t *testing.T) {
	var patterns []string
	for _, line := range strings.Split(readRepoFile(t, ".dockerignore"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "!") {
			t.Fatalf(".dockerignore: exceptions (%s) are not understood by this test", line)
		}
		patterns = append(patterns, strings.TrimPrefix(path.Clean(line), "/"))
	}
	ignored := func(p string) bool {
		parts := strings.Split(p, "/")
		for n := 1; n <= len(parts); n++ { // p and each of its directories
			for _, pat := range patterns {
				if rest, ok := strings.CutPrefix(pat, "**/"); ok {
					for i := range n {
						if m, _ := path.Match(rest, strings.Join(parts[i:n], "/")); m {
							return true
						}
					}
				} else if m, _ := path.Match(pat, strings.Join(parts[:n], "/")); m {
					return true
				}
			}
		}
		return false
	}

	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("go", "list", "-deps", "-f",
		`{{if and .Module .Module.Main}}{{$d := .Dir}}{{range .GoFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{range .EmbedFiles}}{{$d}}/{{.}}{{"\n"}}{{end}}{{end}}`,
		".").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	inputs := []string{"go.mod", "go.sum"}
	for _, f := range strings.Fields(string(out)) {
		rel, err := filepath.Rel(root, f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, filepath.ToSlash(rel))
	}
	if len(inputs) < 20 {
		t.Fatalf("only %d build inputs found; go list did not list the module's files", len(inputs))
	}
	for _, f := range inputs {
		if ignored(f) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", f)
		}
	}
	for _, f := range []string{".git/HEAD", ".ci/run", "corpus/testdata/mixed/unclosed.md", "takeaway"} {
		if !ignored(f) {
			t.Errorf(".dockerignore lets %s into the build context", f)
		}
	}
}
