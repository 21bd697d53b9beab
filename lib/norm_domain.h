/*
 * norm_domain: hosts and registrable domains from URLs, hosts and e-mail
 * addresses, with the Public Suffix List (libpsl, list embedded at build
 * time from data/public_suffix_list.dafsa).
 *
 * Host extraction, shared by every function here: NFC and trim; wrapping
 * characters < ( " ' at the start and > ) " ' , ; at the end removed; then a
 * leading "mailto:", a scheme ("http://", "HTTPS://", any "scheme://") or a
 * bare "//" removed; the authority ends at the first '/', '?', '#' or '\';
 * userinfo (up to its last '@', so "jane@acme.com" gives "acme.com") and a
 * ":port" removed; lower-cased (ASCII and Unicode); the ideographic full
 * stops U+3002, U+FF0E, U+FF61 read as '.' and full-width ASCII as ASCII
 * (as in UTS #46); one trailing dot removed.  A
 * valid host has at least two labels, each 1..63 bytes (ASCII labels) of
 * a-z 0-9 '-' '_' or any non-ASCII character, and at most 253 bytes in all
 * (1012 with non-ASCII).  IDN hosts keep the form they came in: UTF-8 stays
 * UTF-8 ("müller.de") and ACE stays ACE ("xn--mller-kva.de"); no conversion.
 * IP addresses (IPv6 literals, or a host whose last label is all digits,
 * such as 192.168.0.1) are never domains.
 *
 * Not thread-safe: a static scratch buffer and a memo cache are shared.
 */
#ifndef COV_NORM_DOMAIN_H
#define COV_NORM_DOMAIN_H

#include <stddef.h>

#include "buf.h"

/* Write the registrable domain of s (URL, host or e-mail address) into out:
 * the host (see above) reduced with the Public Suffix List, private section
 * included ("eu.acme.co.uk" -> "acme.co.uk", "https://www.Acme.com:8080/x"
 * -> "acme.com", "a.example.github.io" -> "example.github.io").  "www." and
 * other subdomains go with the reduction; "www" stays only when it is the
 * registrable label itself ("www.gov.uk").  Returns 0, or -1 (out empty)
 * when there is no valid host, the host is an IP address, or the host is a
 * bare public suffix ("co.uk", "github.io", "localhost"). */
int domain_registrable(const char *s, size_t n, struct buf *out);

/* Write the host of s, extracted and checked as above but not reduced
 * ("https://Mail.Acme.co.uk/x" -> "mail.acme.co.uk").  Returns 0, or -1 (out
 * empty) when there is no valid host or it is an IP address. */
int domain_host(const char *s, size_t n, struct buf *out);

/* 1 when the host of s is an IP address (IPv4 dotted, IPv6 literal, or any
 * host whose last label is all digits), else 0. */
int domain_is_ip(const char *s, size_t n);

/* 1 when s, a bare host already lower-cased, is a public suffix ("com",
 * "co.uk", "github.io"), else 0. */
int domain_is_public_suffix(const char *s, size_t n);

#endif
