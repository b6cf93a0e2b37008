package packaging

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// The .deb on this machine, for real (as root; CI runs the suite as root):
// dpkg -i creates the user and the directories with the right owners, the
// installed binary passes check-config on the installed config as the
// service's user (and another user cannot read it) and starts with it; an
// edited conffile survives the upgrade to a newer package, and the upgraded
// exporter runs on it and keeps its state in /var/lib; dpkg -r keeps the
// conffile and the state, dpkg -P removes both and leaves no other file
// behind. The machine is left as it was found: the test purges the package
// and deletes the user if it created it.
func TestDebInstallUpgradeRemovePurge(t *testing.T) {
	testenv.Need(t, "dpkg", "dpkg-query", "setpriv", "snmptrap", "promtool", "jsonnet", testenv.Root)
	host := hostPlatform(t)
	first := fullRelease(t)
	second := upgrade.get(t, upgradeTag, upgradeVersion, []string{host})
	lockPackageTests(t)
	if status := debStatus(t); status != "" {
		// A test version left by a run that was killed is purged; any
		// other is someone's installation, which the test does not touch.
		out, _ := exec.Command("dpkg-query", "-W", "-f=${Version}", debName).Output()
		if v := string(out); v != debVersion(testVersion) && v != debVersion(upgradeVersion) {
			t.Fatalf("%s %s is installed on this machine (%s): the test does not touch an installation it did not make", debName, out, status)
		}
		t.Logf("purging %s %s, left by an earlier test run", debName, out)
		dpkg(t, "-P", debName)
	}
	_, err := user.Lookup(serviceUser)
	userExisted := err == nil
	before := snapshot(t)
	t.Cleanup(func() { restoreMachine(t, userExisted) })

	dpkg(t, "-i", first.deb(host))
	checkInstalled(t, first.version)
	checkInstalledShare(t)
	runInstalled(t, nil)

	// The administrator's edit: the community the devices send and the
	// network they are on.
	edited := editConfig(t)
	dpkg(t, "-i", second.deb(host))
	checkInstalled(t, second.version)
	if b, err := os.ReadFile(confFile); err != nil || string(b) != edited {
		t.Fatalf("the edited %s did not survive the upgrade (%v):\n%s", confFile, err, b)
	}
	runInstalled(t, func(e *testenv.Exporter) {
		e.TrapV2c(t, "release-test", fw+".6.1", fw+".2.1.5.3.7", "s", "203.0.113.77")
		e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"peer": "203.0.113.77"}, 1)
	})
	checkOwner(t, filepath.Join(stateDir, "state.json"), serviceUser, serviceUser, 0o600)

	dpkg(t, "-r", debName)
	if got := debStatus(t); got != "deinstall ok config-files" {
		t.Errorf("after dpkg -r: %q, want the config files kept", got)
	}
	for _, gone := range []string{"/usr/bin/ipsec_trap_exporter", unitPath, shareDir} {
		if _, err := os.Lstat(gone); err == nil {
			t.Errorf("dpkg -r left %s", gone)
		}
	}
	for _, kept := range []string{confFile, filepath.Join(stateDir, "state.json")} {
		if _, err := os.Lstat(kept); err != nil {
			t.Errorf("dpkg -r removed %s, which it keeps until purge: %v", kept, err)
		}
	}

	dpkg(t, "-P", debName)
	if got := debStatus(t); got != "" {
		t.Errorf("after dpkg -P: %q, want no trace in dpkg's database", got)
	}
	if _, err := user.Lookup(serviceUser); err != nil {
		t.Errorf("dpkg -P removed the system user; Debian keeps system users: %v", err)
	}
	if added, removed := diffSnapshots(before, snapshot(t)); len(added)+len(removed) > 0 {
		t.Errorf("after dpkg -P the machine differs: added %v, removed %v", added, removed)
	}
}

// debVersion is the package version of a release version: 1.2.3-rc.1 is
// 1.2.3~rc.1-1, which sorts before 1.2.3-1.
func debVersion(version string) string { return strings.Replace(version, "-", "~", 1) + "-1" }

// fw is the Huawei firewall notifications' OID prefix.
const fw = "1.3.6.1.4.1.2011.6.122.26"

// lockPackageTests serialises the tests that install packages on this
// machine (another test process, another work tree) for the test's life.
func lockPackageTests(t *testing.T) {
	t.Helper()
	f, err := os.OpenFile(filepath.Join(os.TempDir(), "ipsec_trap_exporter-package-tests.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
}

// dpkg runs dpkg, waiting while another dpkg or apt holds its lock.
func dpkg(t *testing.T, args ...string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		cmd := exec.Command("dpkg", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err == nil {
			t.Logf("dpkg %s:\n%s", strings.Join(args, " "), out)
			return
		}
		if !strings.Contains(string(out), "lock") || time.Now().After(deadline) {
			t.Fatalf("dpkg %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		time.Sleep(2 * time.Second)
	}
}

// debStatus is dpkg's status of the package, "" when it knows nothing of it.
func debStatus(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", debName).Output()
	if err != nil {
		return ""
	}
	if s := strings.TrimSpace(string(out)); s != "unknown ok not-installed" {
		return s
	}
	return ""
}

func checkInstalled(t *testing.T, version string) {
	t.Helper()
	if got := debStatus(t); got != "install ok installed" {
		t.Fatalf("dpkg status %q", got)
	}
	out, _ := exec.Command("dpkg-query", "-W", "-f=${Version}", debName).Output()
	if want := debVersion(version); string(out) != want {
		t.Errorf("installed version %q, want %q", out, want)
	}
	if v, err := testenv.Run(time.Minute, "/usr/bin/ipsec_trap_exporter", "--version"); err != nil || !strings.Contains(v, "version "+version+" ") {
		t.Errorf("installed --version: %v\n%s", err, v)
	}
	u, err := user.Lookup(serviceUser)
	if err != nil {
		t.Fatalf("postinst did not create the user: %v", err)
	}
	if g, err := user.LookupGroupId(u.Gid); err != nil || g.Name != serviceUser {
		t.Errorf("the user's group is %v (%v), want %s", g, err, serviceUser)
	}
	checkOwner(t, confDir, "root", serviceUser, 0o750|fs.ModeDir)
	checkOwner(t, confFile, "root", serviceUser, 0o640)
	checkOwner(t, stateDir, serviceUser, serviceUser, 0o700|fs.ModeDir)
	unit, err := os.ReadFile(unitPath)
	if err != nil || !strings.Contains(string(unit), "ExecStart=/usr/bin/ipsec_trap_exporter") {
		t.Errorf("%s does not run /usr/bin/ipsec_trap_exporter (%v)", unitPath, err)
	}
	// Enabled as debhelper enables a service, without systemd running.
	if _, err := os.Lstat("/etc/systemd/system/multi-user.target.wants/ipsec_trap_exporter.service"); err != nil {
		t.Errorf("the unit is not enabled: %v", err)
	}
}

// checkInstalledShare: what /usr/share/ipsec_trap_exporter holds works
// where it is, as the README says: promtool loads every rule file and runs a
// rules test by its relative rule_files path (all of them run in ./alerts),
// and the mixin evaluates as ipsec_trap_exporter/mixin.libsonnet under
// -J /usr/share.
func checkInstalledShare(t *testing.T) {
	t.Helper()
	rules, err := filepath.Glob(filepath.Join(shareDir, "alerts", "*.rules.yml"))
	if err != nil || len(rules) == 0 {
		t.Fatalf("no rule files in %s (%v)", shareDir, err)
	}
	if out, err := testenv.Run(5*time.Minute, "promtool", append([]string{"check", "rules"}, rules...)...); err != nil {
		t.Errorf("promtool check rules on the installed files: %v\n%s", err, out)
	}
	test := filepath.Join(shareDir, "alerts", "tests", "ipsec_trap_exporter.test.yml")
	if out, err := testenv.Run(5*time.Minute, "promtool", "test", "rules", test); err != nil {
		t.Errorf("promtool test rules %s: %v\n%s", test, err, out)
	}
	out, err := testenv.Run(5*time.Minute, "jsonnet", "-J", "/usr/share", "-e",
		`std.length((import 'ipsec_trap_exporter/mixin.libsonnet').prometheusAlerts.groups)`)
	if n, _ := strconv.Atoi(strings.TrimSpace(out)); err != nil || n == 0 {
		t.Errorf("the installed mixin: %v\n%s", err, out)
	}
}

func checkOwner(t *testing.T, path, owner, group string, mode fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Errorf("%v", err)
		return
	}
	st := fi.Sys().(*syscall.Stat_t)
	u, _ := user.LookupId(strconv.Itoa(int(st.Uid)))
	g, _ := user.LookupGroupId(strconv.Itoa(int(st.Gid)))
	if u == nil || g == nil || u.Username != owner || g.Name != group || fi.Mode()&(fs.ModePerm|fs.ModeDir) != mode {
		t.Errorf("%s: %v uid %d gid %d, want %v %s:%s", path, fi.Mode(), st.Uid, st.Gid, mode, owner, group)
	}
}

// asService runs the installed binary as the service's user, as the unit
// does (systemd not being PID 1 here).
func asService(args ...string) []string {
	return append([]string{"--reuid=" + serviceUser, "--regid=" + serviceUser, "--init-groups", "/usr/bin/ipsec_trap_exporter"}, args...)
}

// runInstalled: check-config passes on the installed config as the
// service's user and fails as nobody (the file is root's and the group's);
// then the exporter starts on it with the installed state directory, on
// free local ports, and serves /metrics; then with runs, and the exporter stops with SIGTERM.
func runInstalled(t *testing.T, with func(e *testenv.Exporter)) {
	t.Helper()
	if out, err := testenv.Run(time.Minute, "setpriv", asService("check-config", "--config.file="+confFile)...); err != nil {
		t.Errorf("check-config as %s: %v\n%s", serviceUser, err, out)
	}
	if out, err := testenv.Run(time.Minute, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
		"/usr/bin/ipsec_trap_exporter", "check-config", "--config.file="+confFile); err == nil {
		t.Errorf("check-config as nobody passed: the config is readable by others\n%s", out)
	}
	trap, web := testenv.FreeUDPPort(t), testenv.FreeTCPPort(t)
	e := &testenv.Exporter{
		TrapAddr: fmt.Sprintf("127.0.0.1:%d", trap),
		WebURL:   fmt.Sprintf("http://127.0.0.1:%d", web),
	}
	e.Process = testenv.Start(t, "setpriv", asService("--config.file="+confFile, "--storage.path="+stateDir,
		"--storage.write-interval=100ms", "--trap.listen-address="+e.TrapAddr, fmt.Sprintf("--web.listen-address=127.0.0.1:%d", web))...)
	testenv.WaitReady(t, e.Process, e.WebURL+"/-/ready", nil, testenv.ExporterReady)
	if v, ok := testenv.Value(e.Scrape(t), "ipsec_trap_exporter_state_last_restore_successful", nil); !ok || v != 1 {
		t.Errorf("the installed exporter cannot use %s: state_last_restore_successful %v", stateDir, v)
	}
	if with != nil {
		with(e)
	}
	e.Stop(t)
}

// editConfig makes the edit an administrator makes, and returns the file.
func editConfig(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(confFile)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for old, new := range map[string]string{
		"communities: [change-me-community]":                           "communities: [release-test]",
		"allowed_sources: [10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16]": "allowed_sources: [127.0.0.0/8]",
	} {
		if !strings.Contains(s, old) {
			t.Fatalf("%s has no %q to edit", confFile, old)
		}
		s = strings.Replace(s, old, new, 1)
	}
	if err := os.WriteFile(confFile, []byte(s), 0); err != nil { // keeps mode and owner
		t.Fatal(err)
	}
	return s
}

// restoreMachine purges the package if the test left it installed and
// deletes the user if the test created it (Debian keeps system users on
// purge; the test does not).
func restoreMachine(t *testing.T, userExisted bool) {
	if debStatus(t) != "" {
		if out, err := exec.Command("dpkg", "-P", debName).CombinedOutput(); err != nil {
			t.Errorf("cleanup: dpkg -P: %v\n%s", err, out)
		}
	}
	if _, err := user.Lookup(serviceUser); err == nil && !userExisted {
		if out, err := exec.Command("userdel", serviceUser).CombinedOutput(); err != nil {
			t.Errorf("cleanup: userdel: %v\n%s", err, out)
		}
		if _, err := user.LookupGroup(serviceUser); err == nil {
			if out, err := exec.Command("groupdel", serviceUser).CombinedOutput(); err != nil {
				t.Errorf("cleanup: groupdel: %v\n%s", err, out)
			}
		}
	}
}

// snapshotRoots are where a package can leave files. Left out: caches,
// logs, apt's lists, container storage (other tests), and dpkg's own
// transient files; dpkg's per-package files in /var/lib/dpkg/info are in.
var (
	snapshotRoots = []string{"/etc", "/usr", "/var", "/opt", "/srv"}
	snapshotSkip  = []string{"/var/cache", "/var/log", "/var/tmp", "/var/lib/apt", "/var/lib/containers",
		"/var/lib/dpkg/updates", "/var/lib/dpkg/triggers", "/var/spool", "/var/mail", "/var/backups", "/var/run", "/var/lock",
		"/usr/local/go"}
)

// snapshot lists every path under snapshotRoots. The system user, which
// Debian keeps on purge, is in /etc/passwd and /etc/group: contents, not
// paths.
func snapshot(t *testing.T) map[string]bool {
	t.Helper()
	paths := map[string]bool{}
	for _, root := range snapshotRoots {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				if os.IsNotExist(err) || os.IsPermission(err) {
					return nil
				}
				return err
			}
			if d.IsDir() && slices.Contains(snapshotSkip, path) {
				return filepath.SkipDir
			}
			paths[path] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return paths
}

func diffSnapshots(before, after map[string]bool) (added, removed []string) {
	for p := range after {
		if !before[p] {
			added = append(added, p)
		}
	}
	for p := range before {
		if !after[p] {
			removed = append(removed, p)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}
