// Package dashboards builds the Grafana dashboards shipped in this directory
// with the Grafana Foundation SDK (github.com/grafana/grafana-foundation-sdk/go).
//
// The JSON files are generated, never edited by hand, so that the reason-code
// value mappings and runbook links come from the catalogue in mib/ and every
// panel follows the same conventions (data source and job/instance
// variables, $__rate_interval, max across an HA pair of exporters). The tests
// fail when a checked-in file differs from what the generator writes, read
// the files back into the SDK's model to hold them to the conventions
// (lint_test.go), and run every query against a real Prometheus
// (e2e_test.go).
//
// Files: build.go (All, the dashboard skeleton, variables, schema version),
// queries.go (PromQL), panels.go (panel kinds, field configuration, links,
// and runbook, the one maker of runbook links), mappings.go (value mappings
// from the catalogue), and one file per dashboard.
package dashboards

//go:generate go run ./gen
