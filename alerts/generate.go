// Package alerts renders the Prometheus alerting rules and the runbook that
// derive from the reason catalogue in mib/, so that what the on-call person
// reads is the catalogue's text and never a hand-made copy of it.
package alerts

//go:generate go run ./gen
