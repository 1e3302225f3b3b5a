/*
 * Unsafe libc calls that empact never uses. Every empact source file includes this header
 * last (through ep.h), so a call to one of these is a compile error that names the safe
 * replacement: the bounded buffer (ep_buf), ep_parse_i64 for numbers, ep_time_* for UTC time.
 */
#ifndef EP_BANNED_H
#define EP_BANNED_H

#define EP_BANNED(func) sorry_##func##_is_banned_in_empact

#undef strcpy
#define strcpy(...) EP_BANNED(strcpy)
#undef strcat
#define strcat(...) EP_BANNED(strcat)
#undef strncpy
#define strncpy(...) EP_BANNED(strncpy)
#undef strncat
#define strncat(...) EP_BANNED(strncat)
#undef sprintf
#define sprintf(...) EP_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) EP_BANNED(vsprintf)
#undef gets
#define gets(...) EP_BANNED(gets)
#undef strtok
#define strtok(...) EP_BANNED(strtok)
#undef atoi
#define atoi(...) EP_BANNED(atoi)
#undef atol
#define atol(...) EP_BANNED(atol)
#undef atoll
#define atoll(...) EP_BANNED(atoll)
#undef atof
#define atof(...) EP_BANNED(atof)
#undef gmtime
#define gmtime(...) EP_BANNED(gmtime)
#undef localtime
#define localtime(...) EP_BANNED(localtime)
#undef ctime
#define ctime(...) EP_BANNED(ctime)
#undef asctime
#define asctime(...) EP_BANNED(asctime)
#undef tmpnam
#define tmpnam(...) EP_BANNED(tmpnam)

#endif
