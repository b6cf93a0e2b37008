//go:build ignore

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
)

// records computes the history of recording rules as Prometheus would have
// recorded it, a sample per step, with Prometheus' own query engine over
// the generated TSDB, and writes it as one block per day. (promtool tsdb
// create-blocks-from rules does the same through the HTTP API, one block
// per rule and two hours: hours for 30 days of these series.)
func records(args []string) error {
	fs := flag.NewFlagSet("records", flag.ExitOnError)
	data := fs.String("data", "", "TSDB to read")
	out := fs.String("out", "", "directory for the blocks of the records")
	rulesPath := fs.String("rules", "", "rule file with the records (none may read another)")
	start := fs.Int64("start", 0, "first evaluation, Unix seconds")
	end := fs.Int64("end", 0, "last evaluation, Unix seconds")
	step := fs.Duration("step", time.Minute, "evaluation interval")
	fs.Parse(args)
	f, err := readRules(*rulesPath)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	opts := tsdb.DefaultOptions()
	opts.RetentionDuration = 0
	db, err := tsdb.Open(*data, logger, nil, opts, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	db.DisableCompactions()
	var queryable storage.Queryable = db
	engine := promql.NewEngine(promql.EngineOpts{Logger: logger, MaxSamples: 1 << 31, Timeout: time.Hour})
	day := int64(24 * 3600)
	work := make(chan int64)
	errs := make(chan error, (*end-*start)/day+2)
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for from := range work {
				errs <- recordDay(engine, queryable, f, *out, from, min(from+day-int64(step.Seconds()), *end), *step)
			}
		}()
	}
	for from := *start; from <= *end; from += day {
		work <- from
	}
	close(work)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func recordDay(engine *promql.Engine, q storage.Queryable, f ruleFile, out string, from, to int64, step time.Duration) error {
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := tsdb.NewBlockWriter(logger, out, 2*int64(24*time.Hour/time.Millisecond))
	if err != nil {
		return err
	}
	defer w.Close()
	ctx := context.Background()
	samples := 0
	for _, g := range f.Groups {
		for _, r := range g.Rules {
			qry, err := engine.NewRangeQuery(ctx, q, nil, r.Expr, time.Unix(from, 0), time.Unix(to, 0), step)
			if err != nil {
				return fmt.Errorf("%s: %w", r.Record, err)
			}
			res := qry.Exec(ctx)
			m, err := res.Matrix()
			if err != nil {
				return fmt.Errorf("%s: %w", r.Record, err)
			}
			app := w.Appender(ctx)
			for _, s := range m {
				b := labels.NewBuilder(s.Metric).Set("__name__", r.Record)
				for k, v := range r.Labels {
					b.Set(k, v)
				}
				lbls := b.Labels()
				var ref storage.SeriesRef
				for _, p := range s.Floats {
					if ref, err = app.Append(ref, lbls, p.T, p.F); err != nil {
						return fmt.Errorf("%s: %w", r.Record, err)
					}
					samples++
				}
			}
			qry.Close()
			if err := app.Commit(); err != nil {
				return err
			}
		}
	}
	if _, err := w.Flush(ctx); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "records: %s: %d samples\n", time.Unix(from, 0).UTC().Format(time.DateTime), samples)
	return nil
}
