package crm

import (
	"errors"
	"testing"
)

func TestAllow(t *testing.T) {
	sales := Actor{RepID: 1, Role: RoleSales, Username: "sam"}
	admin := Actor{RepID: 2, Role: RoleAdmin, Username: "ada"}
	manager := Actor{RepID: 3, Role: RoleManager, Username: "max"}
	roleless := Actor{RepID: 4, Username: "who"}
	every := []Permission{ManageUsers, ImportFiles, ManageEnrollments, ManageSuppressions, ManageLetters, ActForOthers, ManageCampaigns}
	for _, c := range []struct {
		who     Actor
		allowed bool
	}{
		{System, true}, {manager, true}, {admin, true}, {sales, false}, {roleless, false},
	} {
		for _, p := range every {
			err := Allow(c.who, p)
			if (err == nil) != c.allowed || (err != nil && !errors.Is(err, ErrForbidden)) {
				t.Errorf("Allow(%+v, %q) = %v, want allowed %v", c.who, p, err, c.allowed)
			}
		}
	}
	if len(grants) != len(every) {
		t.Errorf("%d permissions are granted, %d tested", len(grants), len(every))
	}
}

func TestScopeAndNames(t *testing.T) {
	sales := Actor{RepID: 1, Role: RoleSales, Username: "sam"}
	admin := Actor{RepID: 2, Role: RoleAdmin, Username: "ada"}
	for _, c := range []struct {
		who         Actor
		scope       int64
		ownsOther   bool
		name        string // what nameFor("sid") gives
		nameErr     bool
		defaultName string // what nameFor("") gives
	}{
		{System, 0, true, "sid", false, ""},
		{admin, 0, true, "sid", false, ""},
		{sales, 1, false, "", true, "sam"},
	} {
		if got := c.who.scope(); got != c.scope {
			t.Errorf("%+v: scope %d, want %d", c.who, got, c.scope)
		}
		if got := c.who.owns(99); got != c.ownsOther {
			t.Errorf("%+v: owns another rep's contact %v, want %v", c.who, got, c.ownsOther)
		}
		name, err := c.who.nameFor("owner", " sid ")
		if name != c.name || (err != nil) != c.nameErr || (err != nil && !errors.Is(err, ErrForbidden)) {
			t.Errorf("%+v: nameFor(sid) = %q, %v", c.who, name, err)
		}
		if name, err := c.who.nameFor("owner", ""); name != c.defaultName || err != nil {
			t.Errorf("%+v: nameFor(\"\") = %q, %v; want %q", c.who, name, err, c.defaultName)
		}
	}
	if name, err := sales.nameFor("rep", "sam"); name != "sam" || err != nil {
		t.Errorf("a sales rep naming itself: %q, %v", name, err)
	}
}
