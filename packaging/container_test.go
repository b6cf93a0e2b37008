package packaging

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/internal/testenv"
)

// podmanArgs run podman as the test machine allows: rootful, with runc and
// cgroupfs (no systemd as PID 1 to manage cgroups).
var podmanArgs = []string{"--runtime", "runc", "--cgroup-manager=cgroupfs"}

func podman(t *testing.T, args ...string) string {
	t.Helper()
	out, err := testenv.Run(5*time.Minute, "podman", append(slices.Clone(podmanArgs), args...)...)
	if err != nil {
		t.Fatalf("podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(out)
}

// podmanQuiet runs podman for cleanup: errors are reported, not fatal.
func podmanQuiet(t *testing.T, args ...string) {
	if out, err := testenv.Run(5*time.Minute, "podman", append(slices.Clone(podmanArgs), args...)...); err != nil {
		t.Errorf("cleanup: podman %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// The Containerfile makes a working image from the release's binary alone,
// built offline (FROM scratch). Run as the README says, with every
// capability dropped and a read-only root: the process is uid 65532 with
// no capability and still binds UDP 162 inside its network namespace, where
// traps sent from the host to the published port arrive; /metrics answers;
// the tunnel state is written to the volume and is there after a restart
// and in a new container on the same volume. The test removes the
// containers, the volume and the image it made.
func TestContainerImage(t *testing.T) {
	testenv.Need(t, "podman", "runc", "snmptrap", testenv.Root) // podman runs rootful here
	host := hostPlatform(t)
	r := fullRelease(t)
	name := fmt.Sprintf("ipsec-trap-exporter-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	image := "localhost/" + name + ":" + r.version

	t.Cleanup(func() { podmanQuiet(t, "rmi", "--force", image) })
	podman(t, "build", "--layers=false", "--platform", host, "-f", filepath.Join(testenv.RepoRoot(), "Containerfile"),
		"--build-arg", "VERSION="+r.tag, "-t", image, filepath.Join(r.dir, "container"))
	checkImageConfig(t, image, r.version)

	podman(t, "volume", "create", name)
	t.Cleanup(func() { podmanQuiet(t, "volume", "rm", "--force", name) })
	config := containerConfig(t)

	trapPort, webPort := testenv.FreeUDPPort(t), testenv.FreeTCPPort(t)
	run := func(container string) {
		t.Cleanup(func() { podmanQuiet(t, "rm", "--force", "--volumes", "--time", "10", container) })
		podman(t, "run", "--detach", "--name", container,
			"--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024",
			"--cap-drop=ALL", "--read-only",
			"--sysctl", "net.ipv4.ip_unprivileged_port_start=0",
			"--publish", fmt.Sprintf("127.0.0.1:%d:162/udp", trapPort),
			"--publish", fmt.Sprintf("127.0.0.1:%d:9983/tcp", webPort),
			"--volume", name+":/var/lib/ipsec_trap_exporter",
			"--volume", config+":/etc/ipsec_trap_exporter:ro",
			image,
			"--config.file=/etc/ipsec_trap_exporter/ipsec_trap_exporter.yml",
			"--trap.listen-address=:162", "--web.listen-address=:9983",
			"--storage.path=/var/lib/ipsec_trap_exporter", "--storage.write-interval=100ms")
	}
	e := &testenv.Exporter{WebURL: fmt.Sprintf("http://127.0.0.1:%d", webPort), TrapAddr: fmt.Sprintf("127.0.0.1:%d", trapPort)}
	ready := func(container string) {
		t.Helper()
		waitContainerReady(t, container, e.WebURL+"/-/ready")
		checkProcess(t, container)
	}

	run(name)
	ready(name)
	const peer = "203.0.113.88"
	e.TrapV2c(t, "container-test", fw+".6.1", fw+".2.1.5.3.7", "s", peer)
	e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"peer": peer}, 1)
	waitAtLeast(t, e, "ipsec_trap_exporter_state_writes_total", 1)

	// A restart: SIGTERM, then the same container again.
	podman(t, "restart", "--time", "10", name)
	ready(name)
	e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"peer": peer}, 1)
	if logs := podman(t, "logs", name); !regexp.MustCompile(`State restored.*tunnels=1`).MatchString(logs) {
		t.Errorf("the restarted exporter did not restore the tunnel from the volume:\n%s", logs)
	}

	// A new container on the same volume: the state is in the volume, not
	// in the container (whose root is read-only anyway).
	podman(t, "rm", "--force", "--time", "10", name)
	run(name + "-2")
	ready(name + "-2")
	e.WaitValue(t, "ipsec_tunnel_up", map[string]string{"peer": peer}, 1)
}

// checkImageConfig: the image runs the binary as 65532, exposes the trap
// and web ports, keeps /var/lib/ipsec_trap_exporter in a volume, and says
// which version it is.
func checkImageConfig(t *testing.T, image, version string) {
	t.Helper()
	var inspect []struct {
		Config struct {
			User         string
			Entrypoint   []string
			ExposedPorts map[string]any
			Volumes      map[string]any
			Labels       map[string]string
		}
	}
	if err := json.Unmarshal([]byte(podman(t, "image", "inspect", image)), &inspect); err != nil || len(inspect) != 1 {
		t.Fatalf("podman image inspect: %v", err)
	}
	c := inspect[0].Config
	if c.User != "65532:65532" || !slices.Equal(c.Entrypoint, []string{"/bin/ipsec_trap_exporter"}) {
		t.Errorf("user %q entrypoint %q, want 65532:65532 and /bin/ipsec_trap_exporter", c.User, c.Entrypoint)
	}
	for _, port := range []string{"162/udp", "9983/tcp"} {
		if _, ok := c.ExposedPorts[port]; !ok {
			t.Errorf("the image does not expose %s: %v", port, c.ExposedPorts)
		}
	}
	if _, ok := c.Volumes["/var/lib/ipsec_trap_exporter"]; !ok {
		t.Errorf("volumes %v, want /var/lib/ipsec_trap_exporter", c.Volumes)
	}
	if c.Labels["org.opencontainers.image.version"] != "v"+version {
		t.Errorf("version label %q", c.Labels["org.opencontainers.image.version"])
	}
}

// containerConfig writes a config the image's user can read: the
// community the test sends, and any source, since the port mapping makes
// the host's traps come from the bridge's gateway.
func containerConfig(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg := "communities: [container-test]\nallowed_sources: [\"0.0.0.0/0\", \"::/0\"]\n"
	if err := os.WriteFile(filepath.Join(dir, "ipsec_trap_exporter.yml"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// waitContainerReady polls url until it answers, failing with the
// container's log if it exits or does not within a minute.
func waitContainerReady(t *testing.T, container, url string) {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if state := podman(t, "inspect", "--format", "{{.State.Status}}", container); state != "running" {
			t.Fatalf("container %s is %s:\n%s", container, state, podman(t, "logs", container))
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s not ready within a minute:\n%s", url, podman(t, "logs", container))
}

// checkProcess: the exporter in the container runs as uid 65532 with no
// capability at all, on a read-only root, and listens on UDP 162 there.
func checkProcess(t *testing.T, container string) {
	t.Helper()
	pid, err := strconv.Atoi(podman(t, "inspect", "--format", "{{.State.Pid}}", container))
	if err != nil {
		t.Fatal(err)
	}
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Uid:\t65532\t65532\t65532\t65532", "Gid:\t65532\t65532\t65532\t65532",
		"CapEff:\t0000000000000000", "CapPrm:\t0000000000000000", "CapBnd:\t0000000000000000"} {
		if !strings.Contains(string(status), want) {
			t.Errorf("the container's process lacks %q:\n%s", want, status)
		}
	}
	if ro := podman(t, "inspect", "--format", "{{.HostConfig.ReadonlyRootfs}}", container); ro != "true" {
		t.Errorf("ReadonlyRootfs %s", ro)
	}
	// 162 is 00A2 in /proc/net/udp6 of the process's network namespace
	// (the exporter listens on [::]:162, which takes IPv4 too).
	udp, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/udp6", pid))
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^\s*\d+: 0+:00A2 `).Match(udp) {
		t.Errorf("nothing listens on UDP 162 in the container:\n%s", udp)
	}
}

// waitAtLeast polls /metrics until metric (summed over its series) is at
// least min.
func waitAtLeast(t *testing.T, e *testenv.Exporter, metric string, min float64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var got float64
	for time.Now().Before(deadline) {
		if got, _ = testenv.Value(e.Scrape(t), metric, nil); got >= min {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s = %v, want at least %v", metric, got, min)
}
