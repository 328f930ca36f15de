"""Common English short forms of first names (lower-case full name -> short forms).

A table of well-known hypocorisms of the commonest UK first names, used to simulate records
where a person gave "Bill" to one agency and "William" to another.
"""

from __future__ import annotations

_TABLE = """
abigail: Abbie Abby Gail
alexander: Alex Alec Sandy Xander
alexandra: Alex Alexa Sandra Lexi
alfred: Alf Alfie Fred
andrew: Andy Drew
angela: Angie
anthony: Tony Ant
barbara: Barb Babs
benjamin: Ben Benji Benny
bernard: Bernie
catherine: Cathy Kate Cath
charles: Charlie Chas Chuck
charlotte: Charlie Lottie
christine: Chris Chrissie Tina
christopher: Chris Kit Topher
daniel: Dan Danny
david: Dave Davy
deborah: Debbie Deb
dominic: Dom
donald: Don Donny
dorothy: Dot Dotty Dolly
edward: Ed Eddie Ted Ned
eleanor: Ellie Nell Nora
elizabeth: Liz Lizzie Beth Betty Eliza
emily: Em Emmy Millie
frances: Fran Fanny
francis: Frank Fran
frederick: Fred Freddie
gabriel: Gabe
gerald: Gerry
gregory: Greg
harold: Harry Hal
harriet: Hattie
henry: Harry Hal Hank
isabella: Bella Izzy Isa
jacob: Jake
james: Jim Jimmy Jamie
jennifer: Jen Jenny
jessica: Jess Jessie
john: Jack Johnny
jonathan: Jon Jonny
joseph: Joe Joey
joshua: Josh
judith: Judy Jude
katherine: Kate Kathy Katie Kay
kenneth: Ken Kenny
lawrence: Larry Laurie
leonard: Len Lenny Leo
louise: Lou Lulu
margaret: Maggie Meg Peggy Madge
matthew: Matt Matty
michael: Mike Mick Mickey
nathan: Nat Nate
nicholas: Nick Nicky
nicola: Nicky Nic
oliver: Ollie Olly
pamela: Pam
patricia: Pat Patsy Trish
patrick: Pat Paddy
peter: Pete
philip: Phil Pip
rebecca: Becky Becca
richard: Rich Rick Dick Richie
robert: Rob Bob Bobby Robbie Bert
ronald: Ron Ronnie
samantha: Sam Sammy
samuel: Sam Sammy
sarah: Sally Sadie
stephen: Steve Stevie
steven: Steve Stevie
susan: Sue Susie
suzanne: Sue Suzy
theodore: Theo Ted Teddy
thomas: Tom Tommy
timothy: Tim Timmy
valerie: Val
victoria: Vicky Tori
vincent: Vince Vinny
walter: Walt Wally
william: Bill Billy Will Willie Liam
zachary: Zach Zack
"""

NICKNAMES: dict[str, tuple[str, ...]] = {
    full.strip(): tuple(shorts.split())
    for full, shorts in (line.split(":") for line in _TABLE.strip().splitlines())
}
