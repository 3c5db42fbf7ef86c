#include "common/time_util.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace orgd {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's algorithms): what timegm and gmtime_r compute, without the libc
// calls, for the formatting and parsing of millions of timestamps in a rebuild.
int64_t DaysFromCivil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, int* m, int* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  *d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *y = yoe + era * 400 + (*m <= 2);
}

void PutDigits(char* out, int64_t v, int n) {
  for (int i = n - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
}

// The value of n digits at s, or -1 when one is not a digit.
int Digits(const char* s, int n) {
  int v = 0;
  for (int i = 0; i < n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

}  // namespace

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string FormatIsoMs(int64_t ms) {
  int64_t secs64 = ms / 1000;
  int64_t millis64 = ms % 1000;
  if (millis64 < 0) {
    millis64 += 1000;
    --secs64;
  }
  const int64_t days = secs64 >= 0 ? secs64 / 86400 : (secs64 - 86399) / 86400;
  const int64_t tod = secs64 - days * 86400;
  int64_t year;
  int month, day;
  CivilFromDays(days, &year, &month, &day);
  if (year >= 0 && year <= 9999) {
    std::string out = "0000-00-00T00:00:00.000Z";
    PutDigits(&out[0], year, 4);
    PutDigits(&out[5], month, 2);
    PutDigits(&out[8], day, 2);
    PutDigits(&out[11], tod / 3600, 2);
    PutDigits(&out[14], tod / 60 % 60, 2);
    PutDigits(&out[17], tod % 60, 2);
    PutDigits(&out[20], millis64, 3);
    return out;
  }
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {
    millis += 1000;
    --secs;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

bool ParseIsoMs(const std::string& s, int64_t* ms) {
  int y, mo, d, h, mi, sec, n = 0;
  const char* c = s.c_str();
  // The canonical form ("2026-11-23T09:33:47") without sscanf; anything else through it.
  if (s.size() >= 19 && c[4] == '-' && c[7] == '-' && c[10] == 'T' && c[13] == ':' &&
      c[16] == ':' && (y = Digits(c, 4)) >= 0 && (mo = Digits(c + 5, 2)) >= 0 &&
      (d = Digits(c + 8, 2)) >= 0 && (h = Digits(c + 11, 2)) >= 0 &&
      (mi = Digits(c + 14, 2)) >= 0 && (sec = Digits(c + 17, 2)) >= 0) {
    n = 19;
  } else if (std::sscanf(c, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6) {
    return false;
  }
  size_t i = static_cast<size_t>(n);
  int millis = 0;
  if (i < s.size() && s[i] == '.') {
    int digits = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, ++digits) {
      if (digits < 3) millis = millis * 10 + (s[i] - '0');
    }
    if (digits == 0) return false;
    for (; digits < 3; ++digits) millis *= 10;
  }
  std::string rest = s.substr(i);
  if (rest != "Z" && rest != "+00:00" && !rest.empty()) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  // As timegm, which also carries an overlong day or second into the next.
  const int64_t secs = DaysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  *ms = secs * 1000 + millis;
  return true;
}

}  // namespace orgd
