//===- SpecParser.cpp - the .mlp spec language ----------------------------===//
//
// A hand-written lexer and a loop-driven parser (no recursion, so no input
// can exhaust the stack). Grammar, with newlines significant only as value
// terminators (docs/spec-language.md):
//
//   file  := block+
//   block := 'mlp' NAME '{' (KEY '=' value (NEWLINE | ';'))* '}'
//   value := INTEGER | INTEGER '..' INTEGER | WORD
//
//===----------------------------------------------------------------------===//
#include "SpecRules.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/ConvertUTF.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlpjit;
using llvm::SMLoc;
using llvm::SMRange;
using llvm::StringRef;

namespace {

enum class TokenKind {
  word,    // identifiers and keywords: [A-Za-z_][A-Za-z0-9_.-]*
  integer, // -?[0-9]+ (also malformed ones like 4096.0 or 12ab, rejected later)
  dotdot,
  equal,
  lbrace,
  rbrace,
  semicolon,
  newline,
  eof,
  stray, // any other character
};

struct Token {
  TokenKind kind;
  StringRef text; // points into the buffer; its start is the location

  SMLoc loc() const { return SMLoc::getFromPointer(text.data()); }
  SMRange range() const {
    return SMRange(loc(), SMLoc::getFromPointer(text.data() + text.size()));
  }
  /// How the token is quoted in messages.
  std::string describe() const {
    switch (kind) {
    case TokenKind::newline:
      return "end of line";
    case TokenKind::eof:
      return "end of file";
    default:
      return "'" + text.str() + "'";
    }
  }
};

bool isWordStart(char c) { return llvm::isAlpha(c) || c == '_'; }
bool isWordChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '-' || c == '.';
}

class Lexer {
public:
  explicit Lexer(StringRef buffer) : buffer(buffer), pos(0) {}

  Token next() {
    // Skip blanks and comments; a comment ends at the newline, which is kept.
    while (pos < buffer.size()) {
      char c = buffer[pos];
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos;
      } else if (c == '#') {
        while (pos < buffer.size() && buffer[pos] != '\n')
          ++pos;
      } else {
        break;
      }
    }
    if (pos >= buffer.size())
      return {TokenKind::eof, buffer.substr(buffer.size(), 0)};
    size_t start = pos;
    char c = buffer[pos];
    auto make = [&](TokenKind kind, size_t length) {
      pos = start + length;
      return Token{kind, buffer.substr(start, length)};
    };
    switch (c) {
    case '\n':
      return make(TokenKind::newline, 1);
    case '=':
      return make(TokenKind::equal, 1);
    case '{':
      return make(TokenKind::lbrace, 1);
    case '}':
      return make(TokenKind::rbrace, 1);
    case ';':
      return make(TokenKind::semicolon, 1);
    case '.':
      if (buffer.substr(pos).starts_with(".."))
        return make(TokenKind::dotdot, 2);
      break;
    default:
      break;
    }
    if (isWordStart(c)) {
      size_t end = pos + 1;
      while (end < buffer.size() && isWordChar(buffer[end]) &&
             !buffer.substr(end).starts_with(".."))
        ++end;
      return make(TokenKind::word, end - start);
    }
    if (llvm::isDigit(c) || (c == '-' && pos + 1 < buffer.size() &&
                             llvm::isDigit(buffer[pos + 1]))) {
      // Take the whole run of number-like characters so that "4096.0" or
      // "12ab" is reported as one bad number, but stop before "..".
      size_t end = pos + 1;
      while (end < buffer.size() &&
             (isWordChar(buffer[end]) || buffer[end] == '+') &&
             !buffer.substr(end).starts_with(".."))
        ++end;
      return make(TokenKind::integer, end - start);
    }
    // One whole UTF-8 character (the buffer was checked to be valid UTF-8).
    unsigned length = llvm::getNumBytesForUTF8(static_cast<llvm::UTF8>(c));
    if (length == 0 || start + length > buffer.size())
      length = 1;
    return make(TokenKind::stray, length);
  }

private:
  StringRef buffer;
  size_t pos;
};

enum class Key {
  hidden,
  intermediate,
  activation,
  dtype,
  bias,
  tokens,
  arch,
  packedGateUp,
  tensorParallel,
  count
};

struct KeyInfo {
  const char *spelling;
  Key key;
};
constexpr KeyInfo kKeys[] = {
    {"hidden", Key::hidden},
    {"intermediate", Key::intermediate},
    {"activation", Key::activation},
    {"dtype", Key::dtype},
    {"bias", Key::bias},
    {"tokens", Key::tokens},
    {"arch", Key::arch},
    {"packed_gate_up", Key::packedGateUp},
    {"tp", Key::tensorParallel},
};

class Parser {
public:
  Parser(StringRef text, StringRef bufferName)
      : text(text), bufferName(bufferName), lexer(text) {
    sourceMgr.AddNewSourceBuffer(
        llvm::MemoryBuffer::getMemBuffer(text, bufferName,
                                         /*RequiresNullTerminator=*/false),
        SMLoc());
  }

  llvm::Expected<std::vector<MlpSpec>> parse();

private:
  /// The complete diagnostic for `message` at `loc`, source line and caret
  /// included, without a trailing newline.
  llvm::Error error(SMLoc loc, const llvm::Twine &message,
                    llvm::ArrayRef<SMRange> ranges = {}) {
    std::string out;
    llvm::raw_string_ostream os(out);
    sourceMgr.PrintMessage(os, loc, llvm::SourceMgr::DK_Error, message, ranges,
                           {}, /*ShowColors=*/false);
    os.flush();
    while (!out.empty() && out.back() == '\n')
      out.pop_back();
    return llvm::createStringError(llvm::inconvertibleErrorCode(), out);
  }
  llvm::Error error(const Token &token, const llvm::Twine &message) {
    return error(token.loc(), message, token.range());
  }
  /// For problems where the line itself may be unprintable (binary data,
  /// huge lines): `file:line:col: error: message` alone.
  llvm::Error errorWithoutLine(size_t offset, const llvm::Twine &message);

  llvm::Error checkEncoding();
  Token next() {
    if (pending) {
      Token t = *pending;
      pending.reset();
      return t;
    }
    return lexer.next();
  }
  void pushBack(const Token &t) { pending = t; }
  Token nextSkippingNewlines() {
    Token t = next();
    while (t.kind == TokenKind::newline || t.kind == TokenKind::semicolon)
      t = next();
    return t;
  }
  unsigned lineOf(SMLoc loc) { return sourceMgr.getLineAndColumn(loc).first; }

  llvm::Error parseBlock(const Token &mlpKeyword, MlpSpec &spec,
                         Token &nameOut);
  llvm::Error parseValue(Key key, const Token &keyToken, MlpSpec &spec,
                         const Token &openBrace);
  llvm::Expected<int64_t> parseInteger(const Token &token,
                                       StringRef keySpelling);
  llvm::Expected<bool> parseBool(const Token &token, StringRef keySpelling);

  StringRef text, bufferName;
  llvm::SourceMgr sourceMgr;
  Lexer lexer;
  std::optional<Token> pending; // one token of lookahead handed back
};

llvm::Error Parser::errorWithoutLine(size_t offset,
                                     const llvm::Twine &message) {
  StringRef before = text.take_front(offset);
  size_t line = before.count('\n') + 1;
  size_t lineStart = before.rfind('\n');
  size_t column =
      lineStart == StringRef::npos ? offset + 1 : offset - lineStart;
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 bufferName + ":" + llvm::Twine(line) + ":" +
                                     llvm::Twine(column) +
                                     ": error: " + message);
}

llvm::Error Parser::checkEncoding() {
  if (text.size() > limits::kMaxFileBytes)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   bufferName + ": error: input is " +
                                       llvm::Twine(text.size()) +
                                       " bytes, more than the limit of " +
                                       llvm::Twine(limits::kMaxFileBytes));
  const auto *bytes = reinterpret_cast<const llvm::UTF8 *>(text.data());
  size_t lineStart = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char c = bytes[i];
    if (c == 0)
      return errorWithoutLine(i, "NUL byte in input; is this a binary file?");
    if (c == '\n') {
      lineStart = ++i;
      continue;
    }
    if (i - lineStart >= limits::kMaxLineLength)
      return errorWithoutLine(
          lineStart, "line is longer than " +
                         llvm::Twine(limits::kMaxLineLength) + " bytes");
    if (c < 0x80) {
      ++i;
      continue;
    }
    unsigned length = llvm::getNumBytesForUTF8(c);
    if (length == 0 || i + length > text.size() ||
        !llvm::isLegalUTF8Sequence(bytes + i, bytes + i + length))
      return errorWithoutLine(i, "invalid UTF-8 byte 0x" +
                                     llvm::utohexstr(c, /*LowerCase=*/true) +
                                     "; is this a binary file?");
    i += length;
  }
  return llvm::Error::success();
}

llvm::Expected<std::vector<MlpSpec>> Parser::parse() {
  if (auto err = checkEncoding())
    return err;
  std::vector<MlpSpec> specs;
  // funcName -> index of the block that took it, for duplicate names.
  llvm::StringMap<size_t> names;
  for (;;) {
    Token t = nextSkippingNewlines();
    if (t.kind == TokenKind::eof)
      break;
    if (t.kind != TokenKind::word || t.text != "mlp")
      return error(t, "expected 'mlp' to start a block, found " + t.describe());
    MlpSpec spec;
    Token nameToken = t;
    if (auto err = parseBlock(t, spec, nameToken))
      return err;
    std::string func = spec.funcName();
    auto [it, inserted] = names.try_emplace(func, specs.size());
    if (!inserted) {
      const MlpSpec &first = specs[it->second];
      return error(nameToken,
                   first.name == spec.name
                       ? "duplicate mlp name '" + spec.name +
                             "' (first defined at " + first.source + ")"
                       : "mlp name '" + spec.name + "' clashes with '" +
                             first.name + "' (" + first.source +
                             "): both become the function @" + func);
    }
    specs.push_back(std::move(spec));
  }
  if (specs.empty())
    return error(SMLoc::getFromPointer(text.data() + text.size()),
                 "no 'mlp NAME { ... }' block in the input");
  return specs;
}

llvm::Error Parser::parseBlock(const Token &mlpKeyword, MlpSpec &spec,
                               Token &nameOut) {
  Token name = next();
  // Names may start with a digit ("7b"), which lexes as a malformed integer.
  bool isName =
      name.kind == TokenKind::word ||
      (name.kind == TokenKind::integer && llvm::all_of(name.text, isWordChar));
  if (!isName)
    return error(name, "expected a name after 'mlp', found " + name.describe());
  nameOut = name;
  spec.name = name.text.str();
  spec.source =
      (bufferName + ":" + llvm::Twine(lineOf(mlpKeyword.loc()))).str();
  Token open = nextSkippingNewlines();
  if (open.kind != TokenKind::lbrace)
    return error(open, "expected '{' after 'mlp " + spec.name + "', found " +
                           open.describe());

  Token seen[static_cast<size_t>(Key::count)] = {};
  bool isSet[static_cast<size_t>(Key::count)] = {};
  for (;;) {
    Token keyToken = nextSkippingNewlines();
    if (keyToken.kind == TokenKind::rbrace)
      break;
    if (keyToken.kind == TokenKind::eof)
      return error(open, "block 'mlp " + spec.name +
                             "' is not closed: missing '}' before the end of "
                             "the file");
    if (keyToken.kind != TokenKind::word)
      return error(keyToken,
                   "expected a key or '}', found " + keyToken.describe());
    const KeyInfo *info = nullptr;
    for (const KeyInfo &k : kKeys)
      if (keyToken.text == k.spelling)
        info = &k;
    if (!info) {
      std::string message = "unknown key '" + keyToken.text.str() + "'";
      const char *best = nullptr;
      unsigned bestDistance = 3; // suggest only close misspellings
      for (const KeyInfo &k : kKeys) {
        unsigned d =
            keyToken.text.edit_distance(k.spelling, true, bestDistance);
        if (d < bestDistance) {
          bestDistance = d;
          best = k.spelling;
        }
      }
      if (best)
        message += std::string("; did you mean '") + best + "'?";
      else
        message += " (keys: hidden, intermediate, activation, dtype, bias, "
                   "tokens, arch, packed_gate_up, tp)";
      return error(keyToken, message);
    }
    size_t index = static_cast<size_t>(info->key);
    if (isSet[index])
      return error(keyToken, "duplicate key '" + keyToken.text +
                                 "' (first set on line " +
                                 llvm::Twine(lineOf(seen[index].loc())) + ")");
    isSet[index] = true;
    seen[index] = keyToken;
    Token eq = next();
    if (eq.kind != TokenKind::equal)
      return error(eq, "expected '=' after '" + keyToken.text + "', found " +
                           eq.describe());
    if (auto err = parseValue(info->key, keyToken, spec, open))
      return err;
  }

  for (Key required : {Key::hidden, Key::intermediate})
    if (!isSet[static_cast<size_t>(required)])
      return error(name, "mlp '" + spec.name + "' has no '" +
                             kKeys[static_cast<size_t>(required)].spelling +
                             "' (required)");
  auto range = [&](Key k) { return seen[static_cast<size_t>(k)]; };
  if (auto why = rules::checkWeightBytes(spec.hidden, spec.intermediate))
    return error(range(Key::intermediate), *why);
  if (isSet[static_cast<size_t>(Key::tensorParallel)])
    if (auto why =
            rules::checkTensorParallel(spec.tensorParallel, spec.intermediate))
      return error(range(Key::tensorParallel), "tp: " + *why);
  if (auto why = rules::checkPackedGateUp(spec.packedGateUp, spec.activation))
    return error(isSet[static_cast<size_t>(Key::packedGateUp)]
                     ? range(Key::packedGateUp)
                     : name,
                 *why);
  return llvm::Error::success();
}

llvm::Expected<int64_t> Parser::parseInteger(const Token &token,
                                             StringRef key) {
  if (token.kind != TokenKind::integer)
    return error(token, "expected an integer for '" + key + "', found " +
                            token.describe());
  int64_t value;
  // getAsInteger rejects signs other than a leading '-', junk and overflow.
  if (token.text.getAsInteger(10, value)) {
    StringRef digits = token.text.drop_front(token.text.starts_with("-"));
    if (!digits.empty() && llvm::all_of(digits, llvm::isDigit))
      return error(token,
                   "integer " + token.text + " for '" + key + "' is too large");
    return error(token, "expected an integer for '" + key + "', found " +
                            token.describe());
  }
  return value;
}

llvm::Expected<bool> Parser::parseBool(const Token &token, StringRef key) {
  if (token.kind == TokenKind::word && token.text == "true")
    return true;
  if (token.kind == TokenKind::word && token.text == "false")
    return false;
  return error(token, "expected true or false for '" + key + "', found " +
                          token.describe());
}

llvm::Error Parser::parseValue(Key key, const Token &keyToken, MlpSpec &spec,
                               const Token &openBrace) {
  StringRef keyName = keyToken.text;
  Token value = next();
  // Every value is at least one token on the same line.
  if (value.kind == TokenKind::newline || value.kind == TokenKind::eof ||
      value.kind == TokenKind::rbrace || value.kind == TokenKind::semicolon)
    return error(value, "missing value for '" + keyName + "'");
  switch (key) {
  case Key::hidden:
  case Key::intermediate: {
    auto n = parseInteger(value, keyName);
    if (!n)
      return n.takeError();
    if (auto why = rules::checkDimension(*n))
      return error(value, keyName + " " + *why);
    (key == Key::hidden ? spec.hidden : spec.intermediate) = *n;
    break;
  }
  case Key::tensorParallel: {
    auto n = parseInteger(value, keyName);
    if (!n)
      return n.takeError();
    spec.tensorParallel = *n;
    break;
  }
  case Key::tokens: {
    auto min = parseInteger(value, keyName);
    if (!min)
      return min.takeError();
    int64_t max = *min;
    Token last = value;
    // `tokens = A..B`; a lone N means N..N.
    Token dots = next();
    if (dots.kind != TokenKind::dotdot) {
      pushBack(dots);
    } else {
      last = next();
      auto hi = parseInteger(last, keyName);
      if (!hi)
        return hi.takeError();
      max = *hi;
    }
    if (auto why = rules::checkTokens(*min, max))
      return error(value.loc(), *why, SMRange(value.loc(), last.range().End));
    spec.tokensMin = *min;
    spec.tokensMax = max;
    break;
  }
  case Key::activation: {
    auto act = value.kind == TokenKind::word
                   ? rules::parseActivation(value.text)
                   : std::nullopt;
    if (!act)
      return error(value, "unknown activation " + value.describe() +
                              " (expected one of " +
                              rules::kActivationSpellings + ")");
    spec.activation = *act;
    break;
  }
  case Key::dtype: {
    auto dtype = value.kind == TokenKind::word ? rules::parseDType(value.text)
                                               : std::nullopt;
    if (!dtype)
      return error(value, "unknown dtype " + value.describe() +
                              " (expected one of " + rules::kDTypeSpellings +
                              ")");
    spec.dtype = *dtype;
    break;
  }
  case Key::arch:
    if (value.kind != TokenKind::word || !rules::isKnownArch(value.text))
      return error(value, "unknown arch " + value.describe() +
                              " (expected one of " + rules::kArchSpellings +
                              ")");
    spec.arch = value.text.str();
    break;
  case Key::bias:
  case Key::packedGateUp: {
    auto b = parseBool(value, keyName);
    if (!b)
      return b.takeError();
    (key == Key::bias ? spec.bias : spec.packedGateUp) = *b;
    break;
  }
  case Key::count:
    llvm_unreachable("not a key");
  }
  Token end = next();
  if (end.kind == TokenKind::newline || end.kind == TokenKind::semicolon)
    return llvm::Error::success();
  if (end.kind == TokenKind::rbrace) {
    // `key = value }` closes the block: hand the brace back to the caller.
    pushBack(end);
    return llvm::Error::success();
  }
  if (end.kind == TokenKind::eof)
    return error(openBrace, "block 'mlp " + spec.name +
                                "' is not closed: missing '}' before the end "
                                "of the file");
  return error(end, "expected the end of the line after the value of '" +
                        keyName + "', found " + end.describe());
}

} // namespace

llvm::Expected<std::vector<MlpSpec>>
mlpjit::parseSpecBuffer(StringRef text, StringRef bufferName) {
  // A UTF-8 byte-order mark (some editors write one) is not part of the
  // spec; dropping it keeps line 1's columns as the editor shows them.
  text.consume_front("\xEF\xBB\xBF");
  return Parser(text, bufferName).parse();
}
