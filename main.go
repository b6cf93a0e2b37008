// Command ipsec_trap_exporter receives what Huawei firewalls and routers
// report about IPSec tunnels, as SNMP traps and as syslog messages, and
// exposes it as Prometheus metrics.
package main

import (
	"fmt"
	"os"
	"runtime/debug"

	"github.com/alecthomas/kingpin/v2"
	"github.com/prometheus/common/version"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/exporter"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/sender"
)

func main() {
	tuneGC()
	stampVersion()
	os.Exit(run(os.Args[1:]))
}

// tuneGC trades memory for throughput: v1/v2c traps take the lean path
// (7 small allocations a trap), but v3 traps and informs go through gosnmp
// (~280), and during a storm the default GOGC=100 would spend a large share
// of the CPU collecting a tiny live heap. GC runs a quarter as
// often, and the soft memory limit still keeps the heap well under 100 MiB.
// GOGC and GOMEMLIMIT in the environment win.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(80 << 20)
	}
}

// cli is the command line: the run command's flags and the sub-commands.
type cli struct {
	app                                        *kingpin.Application
	flags                                      *exporter.Flags
	run, check, send, rules, explain, generate *kingpin.CmdClause
	sendOpts                                   *sender.Options
	rulesOpts                                  *rulesOptions
	explainKey, docsDir                        *string
}

func newCLI() *cli {
	app := kingpin.New(exporter.Name, "Turns what Huawei firewalls and routers report about IPSec tunnels, as SNMP traps and syslog messages, into Prometheus metrics.")
	app.HelpFlag.Short('h')
	app.Version(version.Print(exporter.Name))
	c := &cli{app: app, flags: exporter.AddFlags(app)}
	c.run = app.Command("run", "Run the exporter (the default).").Default()
	c.check = app.Command("check-config", "Validate --config.file and exit.")
	c.send = app.Command("send", "Send Huawei-shaped IPSec traps: a test trap, an e2e sender, a load generator.")
	c.sendOpts = addSendFlags(c.send)
	c.rules = app.Command("rules", "Print the Prometheus rules (or, with --output-dir, write the rule files, dashboards and runbook) with your runbook URL.")
	c.rulesOpts = addRulesFlags(c.rules)
	c.explain, c.explainKey = addExplainCommand(app)
	c.generate, c.docsDir = addReferenceCommand(app)
	return c
}

func run(args []string) int {
	c := newCLI()
	cmd, err := c.app.Parse(args)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", exporter.Name, err)
		return 2
	}
	f := c.flags
	switch cmd {
	case c.check.FullCommand():
		return checkConfig(f.ConfigFile())
	case c.send.FullCommand():
		return report("send", sendTraps(c.sendOpts, os.Stdout))
	case c.rules.FullCommand():
		return report("rules", writeRules(c.rulesOpts, os.Stdout))
	case c.explain.FullCommand():
		return explain(os.Stdout, os.Stderr, *c.explainKey)
	case c.generate.FullCommand():
		return report("reference", writeReference(*c.docsDir))
	case c.run.FullCommand():
	}
	return exporter.Run(f)
}

// report prints a sub-command's error and turns it into the exit code.
func report(name string, err error) int {
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", name, err)
		return 1
	}
	return 0
}

// checkConfig is the check-config sub-command.
func checkConfig(file string) int {
	if file == "" {
		fmt.Fprintln(os.Stderr, "check-config needs --config.file")
		return 2
	}
	if _, err := config.Load(file); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("%s: OK\n", file)
	return 0
}
