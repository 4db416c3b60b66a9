package main

import (
	"fmt"
	"image/color"
	"os"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// pagePoint is one listing's page cost at one table size.
type pagePoint struct {
	listing string
	clips   float64
	ms, rcu float64
}

// plotPageCost draws RCU/page and ms/page against table size (log scale),
// a line per listing, side by side, into a PNG.
func plotPageCost(points []pagePoint, file string) error {
	colors := map[string]color.Color{
		"camera":     color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
		"timeline":   color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
		"restricted": color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	}
	var ticks []plot.Tick
	seen := map[float64]bool{}
	for _, p := range points {
		if !seen[p.clips] {
			seen[p.clips] = true
			ticks = append(ticks, plot.Tick{Value: p.clips, Label: humanCount(p.clips)})
		}
	}
	mk := func(title, ylabel string, y func(pagePoint) float64) (*plot.Plot, error) {
		p := plot.New()
		p.Title.Text = title
		p.X.Label.Text = "clips in the table"
		p.Y.Label.Text = ylabel
		p.X.Scale = plot.LogScale{}
		p.X.Tick.Marker = plot.ConstantTicks(ticks)
		p.Y.Min = 0
		p.Legend.Top = true
		p.Add(plotter.NewGrid())
		maxY := 0.0
		for _, name := range []string{"camera", "timeline", "restricted"} {
			var xys plotter.XYs
			for _, pt := range points {
				if pt.listing == name {
					xys = append(xys, plotter.XY{X: pt.clips, Y: y(pt)})
					maxY = max(maxY, y(pt))
				}
			}
			if len(xys) == 0 {
				continue
			}
			l, s, err := plotter.NewLinePoints(xys)
			if err != nil {
				return nil, err
			}
			l.Color, s.Color = colors[name], colors[name]
			l.Width = vg.Points(1.5)
			p.Add(l, s)
			p.Legend.Add(name, l, s)
		}
		p.Y.Max = maxY * 1.4
		return p, nil
	}
	rcu, err := mk("Read capacity per 50-clip page", "RCU / page", func(p pagePoint) float64 { return p.rcu })
	if err != nil {
		return err
	}
	lat, err := mk("Latency per 50-clip page (dynalite)", "ms / page", func(p pagePoint) float64 { return p.ms })
	if err != nil {
		return err
	}
	img := vgimg.New(vg.Points(900), vg.Points(360))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: vg.Points(20), PadY: vg.Points(10), PadTop: vg.Points(10), PadBottom: vg.Points(10), PadLeft: vg.Points(10), PadRight: vg.Points(10)}
	canvases := plot.Align([][]*plot.Plot{{rcu, lat}}, tiles, dc)
	rcu.Draw(canvases[0][0])
	lat.Draw(canvases[0][1])
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func humanCount(n float64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%gM", n/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%gk", n/1e3)
	}
	return fmt.Sprintf("%g", n)
}
