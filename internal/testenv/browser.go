package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Browser starts Debian's Chromium, headless, for one test and returns a
// chromedp context driving a tab of it; the browser is stopped when the
// test ends. The flags are the ones a root CI run on a machine without
// outside network needs: no sandbox (root), and none of the background
// connections Chromium makes to Google's services by default.
func Browser(t testing.TB) context.Context {
	t.Helper()
	Need(t, "chromium")
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("chromium"),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1600, 1000),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The timeout bounds the whole browser: a page that never loads fails
	// the test instead of hanging it.
	allocCtx, cancelTimeout := context.WithTimeout(allocCtx, 2*time.Minute)
	ctx, cancelTab := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelTab()
		cancelTimeout()
		cancelAlloc() // waits for the browser process to exit
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	return ctx
}
