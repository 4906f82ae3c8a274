/** The engine benchmark's two rule sets: the seed's, and a mix of SEC's correlation rule types. */

export const SEED_RULES = `type=Single
ptype=RegExp
pattern=DHCPACK.*Switch
continue=TakeNext
desc=Check new switch
action=write /dev/null new switch $0

type=Single
ptype=RegExp
pattern=DHCPACK.*FS-S5850
continue=TakeNext
desc=Check Switch-config S5850
action=write /dev/null check switch configuration S5850 $0

type=Single
ptype=RegExp
pattern=DHCPACK.*FS-S3900
desc=Check Switch-config S3900
action=write /dev/null check switch configuration S3900 $0
`;

export const CORRELATION_RULES = `type=SingleWithSuppress
ptype=RegExp
pattern=DHCPACK on (\\S+) to (\\S+) \\((Switch|FS-S\\d+-\\S+)\\)
continue=TakeNext
desc=switch lease $2
action=write /dev/null switch $3 at $1; create SWITCH_$2 300
window=60

type=SingleWithThreshold
ptype=RegExp
pattern=DHCPDISCOVER from (\\S+)
desc=discover burst $1
action=write /dev/null discover burst from $1; create BURST_$1 60
window=30
thresh=3

type=Pair
ptype=RegExp
pattern=DHCPOFFER on (\\S+) to (\\S+)
desc=offer $2
action=none
ptype2=SubStr
pattern2=DHCPACK on $1 to $2
desc2=acked $2
action2=write /dev/null acked $0
window=20

type=Single
ptype=RegExp
pattern=DHCPREQUEST for \\S+ \\(\\S+\\) from (\\S+)
context=SWITCH_$1 && !BURST_$1
desc=known switch renews $1
action=write /dev/null renewal $1
`;
