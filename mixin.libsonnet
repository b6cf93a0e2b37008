// The ipsec_trap_exporter monitoring mixin: the alerting and recording rules
// of alerts/*.rules.yml and the dashboards of dashboards/*.json, in the shape
// kube-prometheus, mixtool and grafana-operator setups expect.
//
//   local ipsec = (import 'ipsec_trap_exporter/mixin.libsonnet') + {
//     _config+:: {
//       ipsecTrapExporterSelector: 'job="ipsec-trap-exporter"',
//       runbookURL: 'https://wiki.example.com/noc/ipsec-runbook',
//     },
//   };
//   { 'ipsec.rules.yaml': std.manifestYamlDoc(ipsec.prometheusRules + { groups+: ipsec.prometheusAlerts.groups }) }
//
// The rules and dashboards are the shipped files themselves, imported at
// evaluation time, so the mixin can never drift from them: the rule files in
// their JSON form (alerts/json/, generated with them by go generate ./alerts),
// which every jsonnet reads alike, where std.parseYaml is not portable (the C++
// jsonnet 0.18 aborts on multi-line strings). Tests evaluate the mixin with
// go-jsonnet and the C++ jsonnet and hold both to the same output. _config
// changes only what it names:
//
// - ipsecTrapExporterSelector: the selector of the exporters' scrape job in
//   the alerts about the exporters (IPSecTrapExporterDown,
//   IPSecTrapReceptionDown). The other rules and the dashboards work on the
//   ipsec_* series whatever job scrapes them.
// - runbookURL: the page every runbook_url annotation and dashboard runbook
//   link points at (each appends #anchor, the anchors of docs/runbook.md):
//   the runbook page of an exporter (http://HOST:9983/runbook), a wiki, or a
//   published copy of docs/runbook.md. An absolute http(s) URL without a
//   #fragment.
//
// Recording rules and alerts are in separate groups (a test holds the shipped
// files to it), so prometheusRules has every group of recording rules and
// prometheusAlerts every group of alerts.
//
// prometheusScrapeConfig, prometheusEnableFeatures and prometheusRetention
// (hidden, not part of what mixtool writes) are the scrape job, Prometheus 3
// features and retention to pair with the rules: the retention the 30-day
// SLO window needs (31d; Prometheus keeps 15d by default); the protobuf
// format first, and created-timestamp-zero-ingestion, so that a peer's first failure (a counter
// born at 1) is a step from 0 that increase() and the SLO rules see. With the
// Prometheus Operator: scrapeProtocols in the ServiceMonitor or PodMonitor,
// enableFeatures in the Prometheus resource. Prometheus 2 has neither before
// 2.50; there the SLO rules miss each series' first failure (the failure
// alerts do not).
{
  _config+:: {
    ipsecTrapExporterSelector: $._ipsecDefaults.selector,
    runbookURL: $._ipsecDefaults.runbookURL,
  },

  // What the shipped files say, which _config replaces. Not for overriding.
  _ipsecDefaults:: {
    selector: 'job="ipsec_trap_exporter"',
    runbookURL: 'http://localhost:9983/runbook',
    ruleFiles: [
      import 'alerts/json/ipsec_incidents.rules.json',
      import 'alerts/json/ipsec_negotiation_failures.rules.json',
      import 'alerts/json/ipsec_slo.rules.json',
      import 'alerts/json/ipsec_slo_retention.rules.json',
      import 'alerts/json/ipsec_trap_exporter.rules.json',
      import 'alerts/json/ipsec_tunnels.rules.json',
    ],
    dashboards: {
      'ipsec-overview.json': import 'dashboards/ipsec-overview.json',
      'ipsec-drilldown.json': import 'dashboards/ipsec-drilldown.json',
      'ipsec-slo.json': import 'dashboards/ipsec-slo.json',
      'ipsec-exporter-health.json': import 'dashboards/ipsec-exporter-health.json',
    },
  },

  prometheusScrapeConfig:: {
    job_name: 'ipsec_trap_exporter',
    scrape_protocols: ['PrometheusProto', 'OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText0.0.4'],
  },
  prometheusEnableFeatures:: ['created-timestamp-zero-ingestion'],
  // The retention the SLO rules need: the 30-day window and a day
  // (--storage.tsdb.retention.time; with the Prometheus Operator, retention
  // in the Prometheus resource). With less, the 30-day SLIs cover what is
  // kept, and IPSecSLORetentionTooShort says so.
  prometheusRetention:: '31d',

  local mixin = self,
  local cfg = mixin._config,
  local defaults = mixin._ipsecDefaults,

  local checkedConfig =
    assert std.startsWith(cfg.runbookURL, 'http://') || std.startsWith(cfg.runbookURL, 'https://') :
           'ipsec_trap_exporter mixin: runbookURL must be an absolute http(s) URL, got ' + cfg.runbookURL;
    assert std.length(std.findSubstr('#', cfg.runbookURL)) == 0 :
           'ipsec_trap_exporter mixin: runbookURL must not have a #fragment (each link appends #anchor), got ' + cfg.runbookURL;
    cfg,

  // A link into the shipped runbook, moved to runbookURL; any other string
  // as it is.
  local relink(s) =
    local prefix = defaults.runbookURL + '#';
    if std.startsWith(s, prefix)
    then checkedConfig.runbookURL + '#' + std.substr(s, std.length(prefix), std.length(s) - std.length(prefix))
    else s,

  local relinkAll(v) =
    if std.isString(v) then relink(v)
    else if std.isArray(v) then [relinkAll(e) for e in v]
    else if std.isObject(v) then { [k]: relinkAll(v[k]) for k in std.objectFields(v) }
    else v,

  local configured(rule) =
    rule {
      expr: std.strReplace(rule.expr, defaults.selector, checkedConfig.ipsecTrapExporterSelector),
    }
    + (if std.objectHas(rule, 'annotations') && std.objectHas(rule.annotations, 'runbook_url')
       then { annotations+: { runbook_url: relink(rule.annotations.runbook_url) } }
       else {}),

  local groups = [
    group { rules: [configured(r) for r in group.rules] }
    for file in defaults.ruleFiles
    for group in file.groups
  ],
  // Not std.all: jsonnet 0.18 (C++) does not have it.
  local every(group, field) = std.length([r for r in group.rules if !std.objectHas(r, field)]) == 0,
  local isAlerts(group) = every(group, 'alert'),
  local isRecords(group) = every(group, 'record'),
  local checkedGroups =
    local mixed = [g.name for g in groups if !isAlerts(g) && !isRecords(g)];
    assert std.length(mixed) == 0 : 'ipsec_trap_exporter mixin: groups mixing alerts and recording rules: ' + std.join(', ', mixed);
    groups,

  prometheusAlerts+:: {
    groups+: [g for g in checkedGroups if isAlerts(g)],
  },

  prometheusRules+:: {
    groups+: [g for g in checkedGroups if isRecords(g)],
  },

  grafanaDashboards+:: {
    [name]: relinkAll(defaults.dashboards[name])
    for name in std.objectFields(defaults.dashboards)
  },
}
