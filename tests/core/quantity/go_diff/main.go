package main

import (
	"bufio"
	"fmt"
	"os"
	"math"

	"github.com/blang/semver/v4"
	"k8s.io/apimachinery/pkg/api/resource"
)

func main() {
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := sc.Text()
		if len(line) >= 2 && line[:2] == "S " {
			v, err := semver.Parse(line[2:])
			if err != nil {
				fmt.Printf("S %q ERR %s\n", line[2:], err)
			} else {
				fmt.Printf("S %q %s %d\n", line[2:], v.String(), int64(v.Major))
			}
			continue
		}
		if len(line) > 2 && line[:2] == "A " {
			var a, b string
			fmt.Sscanf(line[2:], "%s %s", &a, &b)
			qa := resource.MustParse(a)
			qb := resource.MustParse(b)
			s := qa.DeepCopy()
			s.Add(qb)
			d := qa.DeepCopy()
			d.Sub(qb)
			c := qa.DeepCopy()
			cmp := c.Cmp(qb)
			_, si := s.AsInt64()
			_, di := d.AsInt64()
			fmt.Printf("A %s %s add=%s/%v/%s sub=%s/%v/%s cmp=%d\n", a, b, s.String(), si, fmt.Sprintf("%x", math.Float64bits(s.AsApproximateFloat64())), d.String(), di, fmt.Sprintf("%x", math.Float64bits(d.AsApproximateFloat64())), cmp)
			continue
		}
		q, err := resource.ParseQuantity(line)
		if err != nil {
			fmt.Printf("%q ERR %s\n", line, err)
			continue
		}
		i, ok := q.AsInt64()
		if !ok {
			i = 0
		}
		f := q.AsApproximateFloat64()
		q2 := q.DeepCopy()
		v := q2.Value()
		fmt.Printf("%q %s int=%v,%d f=%s sign=%d fmt=%s v=%d\n", line, q.String(), ok, i, fmt.Sprintf("%x", math.Float64bits(f)), q.Sign(), q.Format, v)
	}
}
