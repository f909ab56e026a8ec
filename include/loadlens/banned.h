/* banned: libc calls that are easy to misuse with hostile input become compile errors in
 * src/ (the idea of git's banned.h). Include it LAST in every src/ file, after the
 * system headers, so their declarations are untouched.
 *
 * Instead use: snprintf / struct ll_buf (not sprintf, strcpy, strcat and their n-forms,
 * which truncate silently or overflow); strtol / strtod with an end pointer and errno
 * (not atoi and friends, which turn "12x" into 12 and garbage into 0); explicit scanning
 * (not strtok, which keeps hidden state); gmtime_r (not gmtime and the other static-buffer
 * time functions). */
#ifndef LOADLENS_BANNED_H
#define LOADLENS_BANNED_H

#define LL_BANNED(func) sorry_##func##_is_a_banned_function

#undef strcpy
#define strcpy(...) LL_BANNED(strcpy)
#undef strcat
#define strcat(...) LL_BANNED(strcat)
#undef strncpy
#define strncpy(...) LL_BANNED(strncpy)
#undef strncat
#define strncat(...) LL_BANNED(strncat)
#undef sprintf
#define sprintf(...) LL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) LL_BANNED(vsprintf)
#undef strtok
#define strtok(...) LL_BANNED(strtok)
#undef strtok_r
#define strtok_r(...) LL_BANNED(strtok_r)
#undef atoi
#define atoi(...) LL_BANNED(atoi)
#undef atol
#define atol(...) LL_BANNED(atol)
#undef atoll
#define atoll(...) LL_BANNED(atoll)
#undef atof
#define atof(...) LL_BANNED(atof)
#undef gets
#define gets(...) LL_BANNED(gets)
#undef gmtime
#define gmtime(...) LL_BANNED(gmtime)
#undef localtime
#define localtime(...) LL_BANNED(localtime)
#undef ctime
#define ctime(...) LL_BANNED(ctime)
#undef asctime
#define asctime(...) LL_BANNED(asctime)

#endif
