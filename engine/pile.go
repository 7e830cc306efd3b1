package engine

import "time"

// LetterCount is how many letters of one kind wait in the pile.
type LetterCount struct {
	Kind       string    // the letter's template name
	Pending    int       // ready to print
	Unmailable int       // waiting for a usable postal address
	Oldest     time.Time // when the oldest waiting letter was filed
}

// LetterBatch is one printed batch of letters.
type LetterBatch struct {
	ID        int64
	CreatedAt time.Time
	RepID     int64  // who printed it; 0 for the system
	PrintedBy string // that rep's username; "" for the system
	Kind      string // the kind printed; "" for every kind
	Before    time.Time
	Letters   int
	Pages     int
	File      string // where the PDF was written
}

// LetterPrint asks for a batch of the letters waiting: of Kind ("" for every
// kind), filed before Before (zero for any time), printed by RepID at At.
type LetterPrint struct {
	Kind   string
	Before time.Time
	RepID  int64
	At     time.Time
}

// FiledLetter is a waiting letter with its contact as they are now, and
// whether the contact's email address may be written to.
type FiledLetter struct {
	Letter     Letter
	Contact    Contact
	Rep        Rep    // the signing rep; zero when none
	Suppressed string // why the contact's address may not be emailed; "" when it may
}
