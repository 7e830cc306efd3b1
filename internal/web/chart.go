package web

import (
	"math"
	"strconv"
)

// barChart is a horizontal bar chart drawn as inline SVG: one labelled bar
// per row, each with its value written beside it, and an optional mark
// (a quota) as a line across its bar. It reads without colour, and its
// table beside it says the same in text.
type barChart struct {
	What string // what the chart shows, for screen readers
	Bars []bar
}

// bar is one bar of a chart.
type bar struct {
	Label string
	Value float64
	Mark  float64 // 0: none
}

// The chart's geometry, in SVG user units.
const (
	chartLabelW = 150 // the labels' column
	chartBarW   = 200 // the longest bar
	chartRowH   = 30
	chartWidth  = chartLabelW + chartBarW + 80
)

// svgBar is a bar laid out.
type svgBar struct {
	bar
	LabelX, BarX float64
	Y, W, H      float64
	MarkX        float64
	MarkStart    float64
	MarkEnd      float64
	TextX, TextY float64
	Text         string
}

// Width is the chart's width.
func (c *barChart) Width() int { return chartWidth }

// Height is the chart's height.
func (c *barChart) Height() int { return max(1, len(c.Bars))*chartRowH + 8 }

// Marked reports whether a bar has a mark, so the chart needs its legend.
func (c *barChart) Marked() bool {
	for _, b := range c.Bars {
		if b.Mark > 0 {
			return true
		}
	}
	return false
}

// Layout places each bar, scaled to the largest value or mark.
func (c *barChart) Layout() []svgBar {
	top := 0.0
	for _, b := range c.Bars {
		top = math.Max(top, math.Max(b.Value, b.Mark))
	}
	out := make([]svgBar, len(c.Bars))
	for i, b := range c.Bars {
		s := svgBar{bar: b, LabelX: chartLabelW - 8, BarX: chartLabelW, Y: float64(i*chartRowH + 4), H: chartRowH - 8, Text: plain(b.Value)}
		s.MarkStart, s.MarkEnd = s.Y-3, s.Y+s.H+3
		if top > 0 {
			s.W = b.Value / top * chartBarW
			if b.Mark > 0 {
				s.MarkX = chartLabelW + b.Mark/top*chartBarW
				s.Text += " of " + plain(b.Mark)
			}
		}
		s.TextX = chartLabelW + s.W + 6
		s.TextY = s.Y + s.H/2
		out[i] = s
	}
	return out
}

// plain writes a number without needless decimals.
func plain(f float64) string {
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}
