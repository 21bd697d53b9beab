/*
 * csvscan_blocks: the block loop of csvscan.c's scan_record, included once
 * per block width.  The includer defines:
 *   SCAN_NAME            the function's name
 *   SCAN_W               bytes a block (16 or 64)
 *   SCAN_MASKS(p, n, c, s, h)  uint64_t bit masks of the block at p: LF,
 *                        comma, quote or CR, byte >= 0x80
 *   SCAN_POPCOUNT(m)     set bits of m (m < 2^SCAN_W)
 *   SCAN_SENTINEL(m)     sets bits above the block in m, so that taking
 *                        eight lowest bits never finds m empty (16: eight
 *                        bits; 64: nothing, as SCAN_CTZ of 0 is 64)
 *   SCAN_CTZ(m)          the lowest set bit of m
 *   SCAN_ATTR            attributes of the function (a target, or nothing)
 * and may define:
 *   SCAN_SEPS(d, m, base, cnt)  the cnt positions of m's bits (base +
 *                        bit) into d[0..cnt), at once; d may be written up
 *                        to d[15] (default: eight, then one at a time)
 * and this undefines them at its end.  Not a header of its own: it is part
 * of csvscan.c.
 */

/* The blocks of the record at b[pos..), in q (the ends of the fields the
 * key reads in w->sep, those after them only counted):
 * 1 at its end (*endp), 0 when it is not canonical or has no end before
 * cut.  *first_hi, *last_hi: the first and last bytes >= 0x80, if any
 * (*first_hi is (size_t)-1 when there is none). */
SCAN_ATTR static int SCAN_NAME(struct worker *w, const char *b, size_t pos,
			       size_t cut, struct qstate *q, size_t *first_hi,
			       size_t *last_hi, size_t *endp)
{
	const uint64_t full = SCAN_W == 64 ? ~UINT64_C(0)
					   : (UINT64_C(1) << (SCAN_W & 63)) - 1;
	size_t ncols = w->s->ncols, need = w->need;
	uint32_t *sep = w->sep;
	const char *p = b + pos;

	for (;; p += SCAN_W) {
		uint64_t mn, mc, ms, mh, lf, before;
		int cr;
		uint32_t base = (uint32_t)(p - b);

		if (base >= cut)
			return 0; /* no line end: a quote left open */
		SCAN_MASKS(p, mn, mc, ms, mh);
		lf = mn & -mn; /* the first LF */
		before = mn ? lf - 1 : full;
		/* a CR just before it, the only special byte before it, is
		 * part of the line end */
		cr = lf > 1 && (ms & before) == lf >> 1 &&
		     b[base + __builtin_ctzll(mn) - 1] == '\r';
		if ((cr || !(ms & before)) && !q->quoted) {
			/* commas and perhaps the line end, outside quotes: in
			 * locals, not q, whose address special_byte takes */
			size_t nf = q->nf, cnt;
			uint32_t *d;

			mc &= before;
			mh &= before;
			note_hi(mh, base, first_hi, last_hi);
			cnt = (size_t)SCAN_POPCOUNT(mc);
			if (nf + cnt >= ncols)
				return 0; /* too many fields */
			if (cnt)
				q->fs = base + 64 - (size_t)__builtin_clzll(mc);
			if (nf < need) {
				d = sep + nf;
#ifdef SCAN_SEPS
				SCAN_SEPS(d, mc, base, cnt);
#else
				/* eight without a branch: past the block once
				 * they run out (sep has room) */
				SCAN_SENTINEL(mc);
				for (size_t k = 0; k < 8; k++) {
					d[k] = base + (uint32_t)SCAN_CTZ(mc);
					mc &= mc - 1;
				}
				for (size_t k = 8; k < cnt; k++) {
					d[k] = base + (uint32_t)SCAN_CTZ(mc);
					mc &= mc - 1;
				}
#endif
			}
			nf += cnt;
			q->nf = nf;
			if (mn) {
				*endp = base + (size_t)__builtin_ctzll(mn);
				sep[q->nf++] = (uint32_t)(*endp - cr);
				++*endp;
				return 1;
			}
			continue;
		}
		{
			uint64_t m = mn | mc | ms;
			int k = 0;

			while (m) {
				size_t at = base + (size_t)__builtin_ctzll(m);
				/* the special bytes before the next quote or
				 * CR (and, outside quotes, LF) */
				uint64_t stop = m & (q->inq ? ms : ms | mn);
				uint64_t run =
					m & (stop ? (stop & -stop) - 1 : full);

				if (q->inq && run) {
					/* commas and LFs inside quotes */
					q->special = 1;
					q->nl += (uint32_t)SCAN_POPCOUNT(run &
									 mn);
					m &= ~run;
					continue;
				}
				if (!q->quoted && run) {
					/* separating commas, as in the quick
					 * way above */
					if (q->nf + (size_t)SCAN_POPCOUNT(
							    run) >=
					    ncols)
						return 0; /* too many fields */
					m &= ~run;
					for (; run; run &= run - 1) {
						at = base +
						     (size_t)__builtin_ctzll(
							     run);
						sep[q->nf++] = (uint32_t)at;
					}
					q->fs = at + 1;
					continue;
				}
				k = special_byte(w, b, at, q, endp);
				if (k < 0)
					return 0;
				if (k > 0) {
					mh &= (UINT64_C(2) << (at - base)) - 1;
					break;
				}
				m &= m - 1;
			}
			note_hi(mh, base, first_hi, last_hi);
			if (k > 0)
				return 1;
		}
	}
}

#undef SCAN_NAME
#undef SCAN_W
#undef SCAN_ATTR
#undef SCAN_POPCOUNT
#undef SCAN_MASKS
#undef SCAN_SENTINEL
#undef SCAN_CTZ
#undef SCAN_SEPS
