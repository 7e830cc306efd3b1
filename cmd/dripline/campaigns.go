package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dripline/dripline/internal/config"
	"github.com/dripline/dripline/internal/crm"
)

// runCampaignsAdd is `dripline campaigns add NAME --type T [--subtype S]
// [--cost AMOUNT]`.
func runCampaignsAdd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("campaigns add", "NAME --type TYPE [--subtype S] [--cost AMOUNT]",
		"Add a marketing campaign, whose cost the sources report weighs against the\nrevenue of the leads it brought (ROI).", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database, config.Library)
	typ := f.String("type", "", "the campaign type (required), one of: "+strings.Join(crm.CampaignTypes, ", "))
	sub := f.String("subtype", "", "the sub-type, such as Trade Show or LinkedIn")
	cost := f.String("cost", "0", "what the campaign cost, such as 1250.00")
	pos, err := f.parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return f.fail("name one campaign")
	}
	rt, err := openCRM(ctx, cfg, readWrite, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	c, err := rt.crm.AddCampaign(ctx, crm.System, crm.CampaignFields{Name: pos[0], Type: *typ, SubType: *sub, Cost: crm.Decimal(*cost)})
	if err != nil {
		if v, ok := crm.AsValidation(err); ok {
			return f.fail(v.Error())
		}
		return err
	}
	fmt.Fprintf(stdout, "campaign %d: %s (%s%s), cost %s\n", c.ID, c.Name, c.Type, subOf(c.SubType), c.Cost)
	return nil
}

// runCampaignsList is `dripline campaigns list`.
func runCampaignsList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("campaigns list", "", "List the campaigns with their type, sub-type and cost.", stdout, stderr)
	cfg := config.Bind(f.FlagSet, config.Database)
	if err := f.parseNone(args); err != nil {
		return err
	}
	rt, err := openCRM(ctx, cfg, readOnly, stderr)
	if err != nil {
		return err
	}
	defer rt.Close()
	cs, err := rt.crm.ListCampaigns(ctx, crm.System)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tSUBTYPE\tCOST")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", c.Name, c.Type, c.SubType, c.Cost)
	}
	return tw.Flush()
}

// subOf writes a sub-type after its type.
func subOf(sub string) string {
	if sub == "" {
		return ""
	}
	return " / " + sub
}
