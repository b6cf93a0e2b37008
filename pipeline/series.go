package pipeline

import (
	"sync"
	"sync/atomic"

	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/config"
	"github.com/ipsec-trap-exporter/ipsec_trap_exporter/metricdef"
	"github.com/prometheus/client_golang/prometheus"
)

// series holds the resolved handles of one label set, so that a repeated
// event costs one map lookup on the label array and no label hashing in
// client_golang.
type series struct {
	counter    prometheus.Counter
	gauge      prometheus.Gauge
	planned    prometheus.Gauge // tunnel series only
	lastUpdate atomic.Int64
	tunnel     *tunnelStatus // tunnel series only
}

// seriesIndex bounds and ages the label sets of one metric family. The key
// is the array of label values: comparable, so lookups allocate nothing.
type seriesIndex[K comparable] struct {
	maxSeries atomic.Int64
	ttl       atomic.Int64 // nanoseconds

	mu      sync.RWMutex
	entries map[K]*series
}

func newSeriesIndex[K comparable]() *seriesIndex[K] {
	return &seriesIndex[K]{entries: make(map[K]*series)}
}

func (s *seriesIndex[K]) setLimits(l config.Limits) {
	s.maxSeries.Store(int64(l.MaxSeries))
	s.ttl.Store(int64(l.TTL()))
}

// get returns the series for key, creating it with create when the family
// is under its limit; nil when it is full.
func (s *seriesIndex[K]) get(key K, now int64, create func() *series) *series {
	s.mu.RLock()
	e := s.entries[key]
	s.mu.RUnlock()
	if e == nil {
		s.mu.Lock()
		if e = s.entries[key]; e == nil {
			if limit := s.maxSeries.Load(); limit > 0 && int64(len(s.entries)) >= limit {
				s.mu.Unlock()
				return nil
			}
			e = create()
			s.entries[key] = e
		}
		s.mu.Unlock()
	}
	e.lastUpdate.Store(now)
	return e
}

func (s *seriesIndex[K]) len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.entries)
}

func (s *seriesIndex[K]) expire(now int64, remove func(K, *series)) {
	ttl := s.ttl.Load()
	if ttl <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, e := range s.entries {
		if now-e.lastUpdate.Load() > ttl {
			delete(s.entries, k)
			remove(k, e)
		}
	}
}

var (
	seriesDesc      = metricdef.Series.NewDesc()
	seriesLimitDesc = metricdef.SeriesLimit.NewDesc()
)

// seriesCollector reports how full each family is, computed at scrape time
// from the indexes rather than kept in step on the hot path.
type seriesCollector struct{ m *Metrics }

func (c seriesCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- seriesDesc
	ch <- seriesLimitDesc
}

func (c seriesCollector) Collect(ch chan<- prometheus.Metric) {
	m := c.m
	for name, n := range map[string]int{
		metricdef.NegotiationFailures.Name:  m.failureSeries.len(),
		metricdef.NegotiationSuccesses.Name: m.successSeries.len(),
		metricdef.TunnelUp.Name:             m.tunnelSeries.len(),
		metricdef.TunnelStateChanges.Name:   m.stateSeries.len(),
		metricdef.DeviceNotifications.Name:  m.notifSeries.len(),
	} {
		ch <- prometheus.MustNewConstMetric(seriesDesc, prometheus.GaugeValue, float64(n), name)
	}
	ch <- prometheus.MustNewConstMetric(seriesLimitDesc, prometheus.GaugeValue, float64(m.failureSeries.maxSeries.Load()))
}
