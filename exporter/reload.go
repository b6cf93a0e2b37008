package exporter

import (
	"time"

	"github.com/go-kit/log/level"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/input"
)

// loadConfig reads the config file, or builds the flag-only config.
func (e *exporter) loadConfig() (*config.Config, error) {
	if e.configFile == "" {
		return config.Default(), nil
	}
	return config.Load(e.configFile)
}

// reload applies a new config without touching the counters; a bad config
// is refused whole and the old one stays.
func (e *exporter) reload() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	err := e.applyConfig()
	if err != nil {
		e.reloads.WithLabelValues("failure").Inc()
		e.lastOK.Set(0)
		return err
	}
	e.reloads.WithLabelValues("success").Inc()
	e.lastOK.Set(1)
	level.Info(e.logger).Log("msg", "Configuration reloaded", "file", e.configFile)
	return nil
}

// applyConfig hands a new config to every input, then to the pipeline. A
// refused config must change nothing: inputs that check a config against
// their flags (input.ConfigChecker: the syslog input's TLS listener needs a
// certificate) check it first, and the first input of inputs.All, the trap
// input, which can refuse one too (SNMPv3 users its decoder cannot use), is
// the first to take it.
func (e *exporter) applyConfig() error {
	cfg, err := e.loadConfig()
	if err != nil {
		return err
	}
	for _, in := range e.inputs {
		if c, ok := in.(input.ConfigChecker); ok {
			if err := c.CheckConfig(cfg); err != nil {
				return err
			}
		}
	}
	for _, in := range e.inputs {
		if err := in.Reload(cfg); err != nil {
			return err
		}
	}
	e.metrics.SetLimits(cfg.Limits)
	e.pipeline.SetDedupWindow(time.Duration(cfg.Syslog.DedupWindow))
	return nil
}
