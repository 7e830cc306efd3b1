package crm

import (
	"fmt"
	"strconv"
	"strings"
)

// Stage is a sales stage and the chance an opportunity in it is won.
type Stage struct {
	Name        string
	Probability float64 // 0 to 1
}

// Stages are the sales stages in funnel order. The pipeline report lists
// them in this order, then any other stage opportunities name, which
// weighs 0.
type Stages []Stage

// DefaultStages are CharTec's six sales funnel stages (the seeds'
// chartec-crm-best-practices.txt, whose Discovery example shows 60%).
func DefaultStages() Stages {
	return Stages{
		{"Prospect", 0.10}, {"1st Appointment", 0.25}, {"Discovery", 0.60},
		{"Presentation", 0.75}, {"Follow-Up", 0.80}, {"Commitment", 0.95},
	}
}

// Probability is the probability of the stage named (compared without
// case), 0 for a stage not listed.
func (s Stages) Probability(name string) float64 {
	if i := s.index(name); i >= 0 {
		return s[i].Probability
	}
	return 0
}

// index is the position of the stage named, -1 when not listed.
func (s Stages) index(name string) int {
	for i, st := range s {
		if strings.EqualFold(st.Name, strings.TrimSpace(name)) {
			return i
		}
	}
	return -1
}

// String writes the stages as ParseStages reads them.
func (s Stages) String() string {
	parts := make([]string, len(s))
	for i, st := range s {
		parts[i] = st.Name + "=" + strconv.FormatFloat(st.Probability, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// ParseStages reads "Prospect=0.1,Discovery=60%,…": stages in funnel order,
// each with a probability from 0 to 1 or a percentage. An error names the
// item (counted from 1) and says what is wrong.
func ParseStages(s string) (Stages, error) {
	var out Stages
	for i, item := range strings.Split(s, ",") {
		name, p, ok := strings.Cut(item, "=")
		name = strings.TrimSpace(name)
		if !ok || name == "" {
			return nil, fmt.Errorf("stage %d %q: want NAME=PROBABILITY such as Discovery=0.6", i+1, item)
		}
		prob, err := parseProbability(strings.TrimSpace(p))
		if err != nil {
			return nil, fmt.Errorf("stage %d %q: %v", i+1, name, err)
		}
		if out.index(name) >= 0 {
			return nil, fmt.Errorf("stage %d %q: listed twice", i+1, name)
		}
		out = append(out, Stage{name, prob})
	}
	return out, nil
}

// parseProbability reads 0.6 or 60%.
func parseProbability(p string) (float64, error) {
	pct := strings.HasSuffix(p, "%")
	x, err := strconv.ParseFloat(strings.TrimSuffix(p, "%"), 64)
	if err != nil {
		return 0, fmt.Errorf("%q: want a probability such as 0.6 or 60%%", p)
	}
	if pct {
		x /= 100
	}
	if x < 0 || x > 1 || x != x {
		return 0, fmt.Errorf("%q: want a probability from 0 to 1 (or 0%% to 100%%)", p)
	}
	return x, nil
}
