package exporter

import (
	"fmt"
	"log/slog"
	"os"
	"strings"

	"github.com/go-kit/log"
	"github.com/go-kit/log/level"
	sloggokit "github.com/tjhop/slog-gokit"
)

// newLogger builds the go-kit logger the Prometheus way: logfmt or JSON on
// stderr, UTC timestamps, caller, level filter. The second logger is the
// slog bridge for exporter-toolkit: slog records carry their own time and
// caller, so it is built on the writer without ours, or every toolkit line
// would have both twice.
func newLogger(lvl, format string) (log.Logger, *slog.Logger) {
	var base log.Logger
	if format == "json" {
		base = log.NewJSONLogger(log.NewSyncWriter(os.Stderr))
	} else {
		base = log.NewLogfmtLogger(log.NewSyncWriter(os.Stderr))
	}
	allow, ok := map[string]level.Option{
		"debug": level.AllowDebug(), "info": level.AllowInfo(),
		"warn": level.AllowWarn(), "error": level.AllowError(),
	}[strings.ToLower(lvl)]
	if !ok {
		allow = level.AllowInfo()
	}
	logger := level.NewFilter(log.With(base, "ts", log.DefaultTimestampUTC, "caller", log.Caller(5)), allow)
	return logger, slog.New(sloggokit.NewGoKitHandler(level.NewFilter(base, allow), nil))
}

// stdLogger adapts go-kit to promhttp's ErrorLog.
type stdLogger struct{ logger log.Logger }

func (s stdLogger) Println(v ...any) { level.Error(s.logger).Log("msg", fmt.Sprint(v...)) }
