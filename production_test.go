package main

// Tests of what a production install uses: the systemd unit, its sysusers
// file, the example config and the Dockerfile. systemd is not PID 1 on the
// test machine and no container engine runs there, so the unit is checked
// by systemd's own tools and its command lines are run as they are written;
// the Dockerfile's build command is run as a plain shell build and its
// entrypoint started, with the image's paths replaced by temporary ones.

import (
	"bufio"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

const (
	unitFile     = "examples/systemd/ipsec_trap_exporter.service"
	sysusersFile = "examples/systemd/ipsec_trap_exporter.sysusers"
	exampleCfg   = "examples/ipsec_trap_exporter.yml"
	installedBin = "/usr/local/bin/ipsec_trap_exporter"
)

// unit is a parsed systemd unit: directive -> values in order, per section
// ("Service.ExecStart").
type unit map[string][]string

func parseUnit(t *testing.T, path string) unit {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	u := unit{}
	section, pending := "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if pending == "" && (line == "" || line[0] == '#' || line[0] == ';') {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			pending += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		line, pending = pending+line, ""
		if strings.HasPrefix(line, "[") {
			section = strings.Trim(line, "[]")
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: not a directive: %q", path, line)
		}
		u[section+"."+k] = append(u[section+"."+k], strings.TrimSpace(v))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return u
}

func (u unit) one(t *testing.T, key string) string {
	t.Helper()
	if len(u[key]) != 1 {
		t.Fatalf("%s: %d values, want 1: %q", key, len(u[key]), u[key])
	}
	return u[key][0]
}

// words splits a command line written without quotes; a quote would need
// systemd's rules, which the unit does not use.
func words(t *testing.T, cmd string) []string {
	t.Helper()
	if strings.ContainsAny(cmd, `"'`) {
		t.Fatalf("command line with quotes: %q", cmd)
	}
	return strings.Fields(cmd)
}

// localArgs rewrites an installed command line for a test: the installed
// binary becomes the test build, listen addresses become free local ports,
// the state directory a temporary one, and the config file the example.
// It returns the arguments and the web URL.
func localArgs(t *testing.T, args []string) ([]string, string) {
	t.Helper()
	webURL := ""
	var out []string
	for _, a := range args {
		name, _, _ := strings.Cut(a, "=")
		switch name {
		case "--trap.listen-address":
			a = fmt.Sprintf("%s=127.0.0.1:%d", name, testenv.FreeUDPPort(t))
		case "--web.listen-address":
			port := testenv.FreeTCPPort(t)
			a = fmt.Sprintf("%s=127.0.0.1:%d", name, port)
			webURL = fmt.Sprintf("http://127.0.0.1:%d", port)
		case "--storage.path":
			a = name + "=" + t.TempDir()
		case "--config.file":
			abs, err := filepath.Abs(exampleCfg)
			if err != nil {
				t.Fatal(err)
			}
			a = name + "=" + abs
		}
		out = append(out, a)
	}
	if webURL == "" {
		t.Fatalf("command line %q sets no --web.listen-address", args)
	}
	return out, webURL
}

func TestExampleConfigIsValid(t *testing.T) {
	if code := run([]string{"check-config", "--config.file=" + exampleCfg}); code != 0 {
		t.Fatalf("check-config %s: exit %d", exampleCfg, code)
	}
}

// What the unit promises in its words: the one capability, the state
// directory the exporter writes, the user the sysusers file creates.
func TestSystemdUnitContract(t *testing.T) {
	u := parseUnit(t, unitFile)
	for key, want := range map[string]string{
		"Service.AmbientCapabilities":     "CAP_NET_BIND_SERVICE",
		"Service.CapabilityBoundingSet":   "CAP_NET_BIND_SERVICE",
		"Service.NoNewPrivileges":         "yes",
		"Service.ProtectSystem":           "strict",
		"Service.RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
	} {
		if got := u.one(t, key); got != want {
			t.Errorf("%s=%s, want %s", key, got, want)
		}
	}
	exec := words(t, u.one(t, "Service.ExecStart"))
	if exec[0] != installedBin {
		t.Errorf("ExecStart runs %s, want %s (the README's install path)", exec[0], installedBin)
	}
	state := "/var/lib/" + u.one(t, "Service.StateDirectory")
	if !contains(exec, "--storage.path="+state) {
		t.Errorf("ExecStart %q does not keep its state in the StateDirectory %s", exec, state)
	}
	if !contains(exec, "--trap.listen-address=:162") {
		t.Errorf("ExecStart %q does not listen on port 162, which the capability is for", exec)
	}
	b, err := os.ReadFile(sysusersFile)
	if err != nil {
		t.Fatal(err)
	}
	user := u.one(t, "Service.User")
	if !regexp.MustCompile(`(?m)^u ` + regexp.QuoteMeta(user) + ` `).Match(b) {
		t.Errorf("%s does not create the unit's user %s", sysusersFile, user)
	}
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// systemd-analyze verify loads the unit as systemd would and reports every
// unknown directive, bad value or missing executable; security scores its
// sandbox. The unit is copied with ExecStart pointing at the test build.
func TestSystemdUnitVerifies(t *testing.T) {
	testenv.Need(t, "systemd-analyze")
	bin := testenv.Binary(t)
	b, err := os.ReadFile(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	path := testenv.WriteFile(t, filepath.Base(unitFile), strings.ReplaceAll(string(b), installedBin, bin))
	out, err := testenv.Run(time.Minute, "systemd-analyze", "verify", path)
	if err != nil || strings.TrimSpace(out) != "" {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	// Exposure is scored 0 (locked down) to 10 (none); the threshold is in
	// tenths. The unit scores 1.5 on systemd 252; 2.5 leaves room for the
	// scoring of other versions and fails if a group of protections goes.
	out, err = testenv.Run(time.Minute, "systemd-analyze", "security", "--offline=yes", "--threshold=25", "--no-pager", path)
	level := regexp.MustCompile(`Overall exposure level for .*`).FindString(out)
	if err != nil {
		t.Errorf("systemd-analyze security: %v: %s\n%s", err, level, out)
	}
	t.Log(level)
}

// The sysusers file is valid and creates the user in an empty root.
func TestSysusersFileCreatesTheUser(t *testing.T) {
	testenv.Need(t, "systemd-sysusers")
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "etc"), 0o755); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(sysusersFile)
	out, err := testenv.Run(time.Minute, "systemd-sysusers", "--dry-run", "--root="+root, abs)
	if err != nil {
		t.Fatalf("systemd-sysusers: %v\n%s", err, out)
	}
	user := parseUnit(t, unitFile).one(t, "Service.User")
	if !strings.Contains(out, "Creating user '"+user+"'") {
		t.Errorf("systemd-sysusers does not create %s:\n%s", user, out)
	}
}

// The unit's command lines work as written: ExecStart starts an exporter
// that serves /-/ready, the first ExecReload (check-config) passes on the
// example config, and the second (kill -HUP $MAINPID) reloads it.
func TestSystemdUnitCommandsRun(t *testing.T) {
	testenv.Need(t)
	bin := testenv.Binary(t)
	u := parseUnit(t, unitFile)
	start, webURL := localArgs(t, words(t, u.one(t, "Service.ExecStart")))
	p := testenv.Start(t, bin, start[1:]...)
	testenv.WaitReady(t, p, webURL+"/-/ready", nil, testenv.ExporterReady)
	e := &testenv.Exporter{Process: p, WebURL: webURL}

	reload := u["Service.ExecReload"]
	if len(reload) != 2 {
		t.Fatalf("ExecReload: %q, want check-config then kill -HUP", reload)
	}
	check, _ := localArgs(t, append(words(t, reload[0]), "--web.listen-address=unused"))
	if check[0] != installedBin {
		t.Fatalf("ExecReload runs %s, want %s", check[0], installedBin)
	}
	if out, err := testenv.Run(time.Minute, bin, check[1:len(check)-1]...); err != nil {
		t.Fatalf("%s: %v\n%s", reload[0], err, out)
	}
	hup := words(t, strings.ReplaceAll(reload[1], "$MAINPID", fmt.Sprint(p.Cmd.Process.Pid)))
	if out, err := testenv.Run(time.Minute, hup[0], hup[1:]...); err != nil {
		t.Fatalf("%s: %v\n%s", reload[1], err, out)
	}
	e.WaitValue(t, "ipsec_trap_exporter_config_reloads_total", map[string]string{"result": "success"}, 1)
}

// instruction is one line of a Dockerfile, continuation lines joined.
type instruction struct{ cmd, args string }

func parseDockerfile(t *testing.T) []instruction {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var out []instruction
	pending := ""
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if pending == "" && (line == "" || line[0] == '#') {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			pending += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		line, pending = pending+line, ""
		cmd, args, _ := strings.Cut(line, " ")
		out = append(out, instruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
	}
	return out
}

// jsonArray parses the exec form ["a", "b"] of ENTRYPOINT and CMD.
func jsonArray(t *testing.T, s string) []string {
	t.Helper()
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, "]") {
		t.Fatalf("not the exec form: %s", s)
	}
	var out []string
	for _, e := range strings.Split(strings.Trim(s, "[]"), ",") {
		out = append(out, strings.Trim(strings.TrimSpace(e), `"`))
	}
	return out
}

// The Dockerfile's build command, run as a shell build, makes a static
// binary that carries the build arguments as its version; the final stage
// is distroless or scratch, non-root, exposes the ports, and its entrypoint
// starts an exporter.
func TestDockerfileBuildsAStaticBinary(t *testing.T) {
	testenv.Need(t)
	ins := parseDockerfile(t)
	var stages [][]instruction
	for _, in := range ins {
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			t.Fatalf("%s before FROM", in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	if len(stages) != 2 {
		t.Fatalf("%d stages, want a builder and the image", len(stages))
	}
	builder, image := stages[0], stages[1]

	// The builder's Go is the go.mod's.
	gomod, err := os.ReadFile("go.mod")
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if !strings.HasPrefix(builder[0].args, "golang:"+string(goVersion[1])+"-") {
		t.Errorf("builder %q does not use Go %s of go.mod", builder[0].args, goVersion[1])
	}

	// The build, as a shell runs it, with the build arguments set and the
	// output directory moved to a temporary one.
	out := t.TempDir()
	env := append(os.Environ(), "VERSION=v9.9.9-test", "REVISION=0123abcd")
	built := false
	for _, in := range builder {
		if in.cmd != "RUN" || !strings.Contains(in.args, "go build") {
			continue
		}
		cmd := exec.Command("sh", "-c", strings.ReplaceAll(in.args, "/out/", out+"/"))
		cmd.Env = env
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("RUN %s: %v\n%s", in.args, err, b)
		}
		built = true
	}
	if !built {
		t.Fatal("no RUN ... go build in the builder stage")
	}
	bin := filepath.Join(out, "ipsec_trap_exporter")
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Errorf("%s has a dynamic loader: not static, it would not start FROM scratch or distroless/static", bin)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("%s links %v: not static", bin, libs)
	}
	f.Close()
	if v, err := testenv.Run(time.Minute, bin, "--version"); err != nil || !strings.Contains(v, "v9.9.9-test") || !strings.Contains(v, "0123abcd") {
		t.Errorf("--version of the image's build does not carry the build arguments: %v\n%s", err, v)
	}

	// The image.
	base := image[0].args
	if base != "scratch" && !strings.HasPrefix(base, "gcr.io/distroless/static") {
		t.Errorf("image FROM %s, want scratch or distroless static", base)
	}
	var entrypoint, cmdArgs []string
	var user, workdir, installed string
	var exposed, volumes []string
	for _, in := range image {
		switch in.cmd {
		case "USER":
			user = in.args
		case "EXPOSE":
			exposed = append(exposed, strings.Fields(in.args)...)
		case "ENTRYPOINT":
			entrypoint = jsonArray(t, in.args)
		case "CMD":
			cmdArgs = jsonArray(t, in.args)
		case "WORKDIR":
			workdir = in.args
		case "VOLUME":
			volumes = append(volumes, jsonArray(t, in.args)...)
		case "COPY":
			if f := strings.Fields(in.args); strings.Contains(in.args, "/out/ipsec_trap_exporter") {
				installed = f[len(f)-1]
			}
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if uid == "" || uid == "0" || uid == "root" {
		t.Errorf("USER %q: the image must not run as root", user)
	}
	for _, port := range []string{"162/udp", "9983/tcp"} {
		if !contains(exposed, port) {
			t.Errorf("EXPOSE %v lacks %s", exposed, port)
		}
	}
	if len(entrypoint) != 1 || entrypoint[0] != installed {
		t.Fatalf("ENTRYPOINT %q, want the binary the image installs (%s) alone, with the flags in CMD, which docker run replaces", entrypoint, installed)
	}
	state := ""
	for _, a := range cmdArgs {
		if s, ok := strings.CutPrefix(a, "--storage.path="); ok {
			state = s
		}
	}
	if state == "" || !contains(volumes, state) || workdir != state {
		t.Errorf("CMD keeps state in %q; want it to be the VOLUME %v and the WORKDIR %q", state, volumes, workdir)
	}

	// The entrypoint with its default arguments starts an exporter.
	args, webURL := localArgs(t, cmdArgs)
	p := testenv.Start(t, bin, args...)
	testenv.WaitReady(t, p, webURL+"/-/ready", nil, testenv.ExporterReady)
}
