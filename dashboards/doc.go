// Package dashboards builds the Grafana dashboards shipped in this directory.
//
// The JSON files are generated, never edited by hand, so that the reason-code
// value mappings and runbook links come from the catalogue in mib/ and every
// panel follows the same conventions (data source and job/instance
// variables, $__rate_interval, max across an HA pair of exporters). The tests
// fail when a checked-in file differs from what the generator writes.
package dashboards

//go:generate go run ./gen
