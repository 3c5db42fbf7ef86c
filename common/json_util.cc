#include "common/json_util.h"

#include <nlohmann/json.hpp>

namespace orgd {
namespace {

struct TooDeep {};

// The length of the well-formed UTF-8 sequence at s[i], or 0 (Unicode table
// 3-7: no overlong forms, no surrogates, nothing past U+10FFFF).
size_t Utf8Length(std::string_view s, size_t i) {
  auto at = [&](size_t k) { return k < s.size() ? static_cast<uint8_t>(s[k]) : 0; };
  auto cont = [&](size_t k) { return (at(k) & 0xC0) == 0x80; };
  const uint8_t b = at(i);
  if (b >= 0xC2 && b <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b >= 0xE0 && b <= 0xEF) {
    const uint8_t lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
    return at(i + 1) >= lo && at(i + 1) <= hi && cont(i + 2) ? 3 : 0;
  }
  if (b >= 0xF0 && b <= 0xF4) {
    const uint8_t lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
    return at(i + 1) >= lo && at(i + 1) <= hi && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

// A cursor over a flat object's text; each method returns false on anything
// FlatJson does not handle.
class FlatReader {
 public:
  explicit FlatReader(std::string_view in) : in_(in) {}

  void Skip() {
    while (pos_ < in_.size() &&
           (in_[pos_] == ' ' || in_[pos_] == '\t' || in_[pos_] == '\n' || in_[pos_] == '\r')) {
      ++pos_;
    }
  }
  bool Eat(char c) {
    Skip();
    if (pos_ >= in_.size() || in_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool AtEnd() {
    Skip();
    return pos_ == in_.size();
  }
  bool String(std::string_view* out);
  bool Value(FlatJson::Value* v);

 private:
  bool Unsigned(uint64_t* out);
  bool Literal(std::string_view word) {
    if (in_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  const std::string_view in_;
  size_t pos_ = 0;
};

// A string without escapes, as a view of the text.
bool FlatReader::String(std::string_view* out) {
  if (!Eat('"')) return false;
  const size_t start = pos_;
  while (pos_ < in_.size()) {
    const auto c = static_cast<uint8_t>(in_[pos_]);
    if (c == '"') {
      *out = in_.substr(start, pos_ - start);
      ++pos_;
      return true;
    }
    if (c < 0x20 || c == '\\') return false;
    const size_t n = c < 0x80 ? 1 : Utf8Length(in_, pos_);
    if (n == 0) return false;
    pos_ += n;
  }
  return false;
}

// A canonical unsigned integer that fits 64 bits, with no fraction or exponent.
bool FlatReader::Unsigned(uint64_t* out) {
  const size_t start = pos_;
  uint64_t v = 0;
  for (; pos_ < in_.size() && in_[pos_] >= '0' && in_[pos_] <= '9'; ++pos_) {
    const auto d = static_cast<uint64_t>(in_[pos_] - '0');
    if (v > (UINT64_MAX - d) / 10) return false;
    v = v * 10 + d;
  }
  const size_t n = pos_ - start;
  if (n == 0 || (n > 1 && in_[start] == '0')) return false;
  if (pos_ < in_.size() && (in_[pos_] == '.' || in_[pos_] == 'e' || in_[pos_] == 'E')) {
    return false;
  }
  *out = v;
  return true;
}

bool FlatReader::Value(FlatJson::Value* v) {
  using Kind = FlatJson::Value::Kind;
  Skip();
  if (pos_ < in_.size() && in_[pos_] == '"') {
    v->kind = Kind::kString;
    return String(&v->text);
  }
  static constexpr std::pair<std::string_view, Kind> kLiterals[] = {
      {"null", Kind::kNull}, {"true", Kind::kTrue}, {"false", Kind::kFalse}};
  for (const auto& [word, kind] : kLiterals) {
    if (Literal(word)) {
      v->kind = kind;
      return true;
    }
  }
  v->kind = Kind::kUnsigned;
  return Unsigned(&v->number);
}

}  // namespace

bool FlatJson::Parse(std::string_view text) {
  size_ = 0;
  FlatReader r(text);
  if (!r.Eat('{')) return false;
  if (r.Eat('}')) return r.AtEnd();
  do {
    if (size_ == kMaxMembers) return false;
    auto& m = members_[size_++];
    if (!r.String(&m.first) || !r.Eat(':') || !r.Value(&m.second)) return false;
  } while (r.Eat(','));
  return r.Eat('}') && r.AtEnd();
}

const FlatJson::Value* FlatJson::Find(std::string_view key) const {
  for (size_t i = size_; i > 0; --i) {
    if (members_[i - 1].first == key) return &members_[i - 1].second;
  }
  return nullptr;
}

bool AppendJsonString(std::string* out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<uint8_t>(s[i]);
    if (c >= 0x80) {
      const size_t n = Utf8Length(s, i);
      if (n == 0) return false;
      out->append(s.substr(i, n));
      i += n;
      continue;
    }
    ++i;
    switch (c) {
      case '"': out->append("\\\""); continue;
      case '\\': out->append("\\\\"); continue;
      case '\b': out->append("\\b"); continue;
      case '\f': out->append("\\f"); continue;
      case '\n': out->append("\\n"); continue;
      case '\r': out->append("\\r"); continue;
      case '\t': out->append("\\t"); continue;
      default: break;
    }
    if (c < 0x20) {
      out->append("\\u00").push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    } else {
      out->push_back(static_cast<char>(c));
    }
  }
  out->push_back('"');
  return true;
}

Status ParseJson(std::string_view text, nlohmann::json* out, int max_depth) {
  // The callback sees the depth of every token; stop at the first one too deep,
  // before the parser builds anything beneath it.
  auto limit = [max_depth](int depth, nlohmann::json::parse_event_t event, nlohmann::json&) {
    if (event == nlohmann::json::parse_event_t::object_start ||
        event == nlohmann::json::parse_event_t::array_start) {
      if (depth >= max_depth) throw TooDeep{};
    }
    return true;
  };
  try {
    *out = nlohmann::json::parse(text.begin(), text.end(), limit, /*allow_exceptions=*/true,
                                 /*ignore_comments=*/false);
  } catch (const TooDeep&) {
    return Status::InvalidArgument("JSON nesting is deeper than " + std::to_string(max_depth) +
                                       " levels",
                                   "json_too_deep");
  } catch (const nlohmann::json::exception& e) {
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix.
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    return Status::InvalidArgument("malformed JSON: " + what, "malformed_json");
  }
  return Status::OK();
}

}  // namespace orgd
