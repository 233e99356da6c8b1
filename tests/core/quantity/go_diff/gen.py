#!/usr/bin/env python3
"""Generates random inputs for the differential check (quantity strings, 'A a b' add/sub/cmp pairs,
'S v' semver strings). Deterministic: python3 gen.py > inputs.txt"""
import random

random.seed(1)
SUFFIXES = ['', 'n', 'u', 'm', 'k', 'M', 'G', 'T', 'P', 'E', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'e3', 'e-3',
            'E5', 'e0', 'e18', 'e19', 'e-9', 'e-10', 'e+2', 'e21', 'i', 'K', 'e', '-', 'e-']


def digits(n):
    return ''.join(random.choice('0123456789') for _ in range(n))


def number():
    ip = digits(random.choice([0, 1, 1, 2, 3, 5, 10, 15, 17, 18, 19, 20, 25]))
    if random.random() < 0.4:
        return ip + '.' + digits(random.choice([0, 1, 2, 3, 5, 9, 10, 12, 20]))
    return ip


def valid_operand():
    # Only well-formed operands for the arithmetic lines (Go's MustParse panics otherwise).
    while True:
        s = random.choice(['', '-']) + (digits(random.randint(1, 12)) or '1') + random.choice(SUFFIXES[:20])
        if not s.endswith(('e', '-')):
            return s


out = []
for _ in range(20000):
    out.append(random.choice(['', '', '', '-', '+']) + number() + random.choice(SUFFIXES))
for _ in range(5000):
    out.append(''.join(random.choice('0123456789.+-eEinumkKMGTP ') for _ in range(random.randint(1, 8))))
for _ in range(5000):
    out.append('A ' + valid_operand() + ' ' + valid_operand())
for _ in range(10000):
    parts = [random.choice(['0', '1', '01', '12', '', 'x', '18446744073709551615', '18446744073709551616', 'v1'])
             for _ in range(random.choice([1, 2, 3, 3, 3, 4]))]
    s = '.'.join(parts)
    if random.random() < 0.5:
        s += '-' + '.'.join(random.choice(['alpha', '1', '01', '0', '', 'a-b', 'x_y']) for _ in range(random.randint(1, 3)))
    if random.random() < 0.3:
        s += '+' + '.'.join(random.choice(['b', '001', '', 'x.y', 'a_b']) for _ in range(random.randint(1, 2)))
    if s:
        out.append('S ' + s)
print('\n'.join(out))
