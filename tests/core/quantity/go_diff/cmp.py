#!/usr/bin/env python3
"""Compares go.out (apimachinery/blang) with cc.out (allot::quantity) line by line.

Known, documented differences (docs/quantity.md) are counted separately, not reported:
  * Value() where Go overflows (ours saturates) or rounds a negative decimal toward +inf (ours: away from 0);
  * exponents beyond +-1000, which allot rejects."""
import re

go = open('go.out').read().splitlines()
cc = open('cc.out').read().splitlines()
assert len(go) == len(cc), (len(go), len(cc))
unexpected = known = 0
for a, b in zip(go, cc):
    if a == b:
        continue
    strip = lambda s: re.sub(r' v=-?\d+$', '', s)
    if strip(a) == strip(b) and (re.search(r'v=(9223372036854775807|-9223372036854775808)$', b)
                                 or ' sign=-1 ' in b):
        known += 1
        continue
    if 'quantity exponent out of supported range' in b:
        known += 1
        continue
    unexpected += 1
    if unexpected <= 25:
        print('GO ', a)
        print('CC ', b)
print('diffs', unexpected, 'of', len(go), '(plus', known, 'documented differences)')
