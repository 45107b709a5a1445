#include "core/data/jsonlineparser.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <cstring>

namespace {

// Deeper nesting than any real manifest needs; stops `[[[[…` from exhausting the stack.
constexpr int kMaxDepth = 256;

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

bool JsonLineParser::fail(const char *what)
{
    m_error = QStringLiteral("%1 at column %2").arg(QLatin1String(what)).arg(m_pos - m_begin + 1);
    return false;
}

void JsonLineParser::skipSpace()
{
    while (m_pos < m_end && (*m_pos == ' ' || *m_pos == '\t' || *m_pos == '\r' || *m_pos == '\n'))
        ++m_pos;
}

bool JsonLineParser::parseString(QString *out)
{
    ++m_pos; // opening quote
    const char *start = m_pos;
    while (m_pos < m_end && *m_pos != '"' && *m_pos != '\\' && static_cast<unsigned char>(*m_pos) >= 0x20)
        ++m_pos;
    if (m_pos < m_end && *m_pos == '"') {
        if (out)
            *out = QString::fromUtf8(start, m_pos - start);
        ++m_pos;
        return true;
    }
    // Slow path: escapes. The caller validated UTF-8, so plain runs convert as they are.
    QString result = out ? QString::fromUtf8(start, m_pos - start) : QString();
    while (true) {
        if (m_pos >= m_end)
            return fail("unterminated string");
        const char c = *m_pos;
        if (c == '"') {
            ++m_pos;
            break;
        }
        if (static_cast<unsigned char>(c) < 0x20)
            return fail("control character in string");
        if (c != '\\') {
            const char *run = m_pos;
            while (m_pos < m_end && *m_pos != '"' && *m_pos != '\\' && static_cast<unsigned char>(*m_pos) >= 0x20)
                ++m_pos;
            if (out)
                result += QString::fromUtf8(run, m_pos - run);
            continue;
        }
        if (m_end - m_pos < 2)
            return fail("unterminated string");
        const char e = m_pos[1];
        m_pos += 2;
        char16_t unit = 0;
        switch (e) {
        case '"': unit = u'"'; break;
        case '\\': unit = u'\\'; break;
        case '/': unit = u'/'; break;
        case 'b': unit = u'\b'; break;
        case 'f': unit = u'\f'; break;
        case 'n': unit = u'\n'; break;
        case 'r': unit = u'\r'; break;
        case 't': unit = u'\t'; break;
        case 'u': {
            if (m_end - m_pos < 4)
                return fail("bad \\u escape");
            int v = 0;
            for (int i = 0; i < 4; ++i) {
                const int h = hexValue(m_pos[i]);
                if (h < 0)
                    return fail("bad \\u escape");
                v = v * 16 + h;
            }
            m_pos += 4;
            unit = char16_t(v); // surrogate pairs arrive as two escapes and stay paired in UTF-16
            break;
        }
        default:
            m_pos -= 2;
            return fail("bad escape in string");
        }
        if (out)
            result += QChar(unit);
    }
    if (out)
        *out = std::move(result);
    return true;
}

bool JsonLineParser::parseKey(std::string *out)
{
    const char *start = m_pos + 1;
    const char *p = start;
    while (p < m_end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20)
        ++p;
    if (p < m_end && *p == '"') {
        out->assign(start, std::size_t(p - start));
        m_pos = p + 1;
        return true;
    }
    QString key;
    if (!parseString(&key))
        return false;
    *out = key.toStdString();
    return true;
}

bool JsonLineParser::parseNumber(std::string_view *raw)
{
    const char *start = m_pos;
    if (m_pos < m_end && *m_pos == '-')
        ++m_pos;
    auto digit = [this] { return m_pos < m_end && *m_pos >= '0' && *m_pos <= '9'; };
    if (!digit())
        return fail("invalid number");
    if (*m_pos == '0') {
        ++m_pos;
    } else {
        while (digit())
            ++m_pos;
    }
    if (m_pos < m_end && *m_pos == '.') {
        ++m_pos;
        if (!digit())
            return fail("invalid number");
        while (digit())
            ++m_pos;
    }
    if (m_pos < m_end && (*m_pos == 'e' || *m_pos == 'E')) {
        ++m_pos;
        if (m_pos < m_end && (*m_pos == '+' || *m_pos == '-'))
            ++m_pos;
        if (!digit())
            return fail("invalid number");
        while (digit())
            ++m_pos;
    }
    *raw = std::string_view(start, std::size_t(m_pos - start));
    return true;
}

bool JsonLineParser::parseLiteral(const char *word, std::size_t length)
{
    if (std::size_t(m_end - m_pos) < length || std::memcmp(m_pos, word, length) != 0)
        return fail("unexpected character");
    m_pos += length;
    return true;
}

bool JsonLineParser::skipValue(int depth)
{
    if (depth > kMaxDepth)
        return fail("nesting too deep");
    skipSpace();
    if (m_pos >= m_end)
        return fail("unexpected end of line");
    const char open = *m_pos;
    if (open == '{' || open == '[') {
        const char close = open == '{' ? '}' : ']';
        ++m_pos;
        skipSpace();
        if (m_pos < m_end && *m_pos == close) {
            ++m_pos;
            return true;
        }
        while (true) {
            if (open == '{') {
                skipSpace();
                if (m_pos >= m_end || *m_pos != '"')
                    return fail("expected a quoted key");
                if (!parseString(nullptr))
                    return false;
                skipSpace();
                if (m_pos >= m_end || *m_pos != ':')
                    return fail("expected ':'");
                ++m_pos;
            }
            if (!skipValue(depth + 1))
                return false;
            skipSpace();
            if (m_pos < m_end && *m_pos == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_end && *m_pos == close) {
                ++m_pos;
                return true;
            }
            return fail(open == '{' ? "expected ',' or '}'" : "expected ',' or ']'");
        }
    }
    switch (open) {
    case '"': return parseString(nullptr);
    case 't': return parseLiteral("true", 4);
    case 'f': return parseLiteral("false", 5);
    case 'n': return parseLiteral("null", 4);
    default: {
        std::string_view raw;
        return parseNumber(&raw);
    }
    }
}

bool JsonLineParser::parseObject(std::string_view line, std::vector<Member> *members,
                                 int *memberCount, QString *error)
{
    m_begin = m_pos = line.data();
    m_end = m_begin + line.size();
    *memberCount = 0;
    auto failed = [&] {
        *error = m_error;
        return false;
    };
    skipSpace();
    if (m_pos >= m_end || *m_pos != '{') {
        fail("not a JSON object");
        return failed();
    }
    ++m_pos;
    skipSpace();
    bool closed = false;
    if (m_pos < m_end && *m_pos == '}') {
        ++m_pos;
        closed = true;
    }
    while (!closed) {
        skipSpace();
        if (m_pos >= m_end || *m_pos != '"') {
            fail("expected a quoted key");
            return failed();
        }
        if (int(members->size()) <= *memberCount)
            members->emplace_back();
        Member &m = (*members)[std::size_t(*memberCount)];
        if (!parseKey(&m.key))
            return failed();
        skipSpace();
        if (m_pos >= m_end || *m_pos != ':') {
            fail("expected ':'");
            return failed();
        }
        ++m_pos;
        skipSpace();
        if (m_pos >= m_end) {
            fail("unexpected end of line");
            return failed();
        }
        m.json = QJsonValue();
        m.text.clear();
        const char c = *m_pos;
        if (c == '"') {
            m.kind = Kind::String;
            if (!parseString(&m.text))
                return failed();
        } else if (c == '{' || c == '[') {
            m.kind = c == '{' ? Kind::Object : Kind::Array;
            const char *start = m_pos;
            if (!skipValue(1))
                return failed();
            const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromRawData(start, m_pos - start));
            m.json = m.kind == Kind::Object ? QJsonValue(doc.object()) : QJsonValue(doc.array());
        } else if (c == 't' || c == 'f') {
            m.kind = Kind::Bool;
            if (!(c == 't' ? parseLiteral("true", 4) : parseLiteral("false", 5)))
                return failed();
            m.text = c == 't' ? QStringLiteral("true") : QStringLiteral("false");
        } else if (c == 'n') {
            m.kind = Kind::Null;
            if (!parseLiteral("null", 4))
                return failed();
        } else {
            m.kind = Kind::Number;
            std::string_view raw;
            if (!parseNumber(&raw))
                return failed();
            m.text = QString::fromLatin1(raw.data(), qsizetype(raw.size()));
        }
        ++*memberCount;
        skipSpace();
        if (m_pos < m_end && *m_pos == ',') {
            ++m_pos;
            continue;
        }
        if (m_pos < m_end && *m_pos == '}') {
            ++m_pos;
            closed = true;
            break;
        }
        fail("expected ',' or '}'");
        return failed();
    }
    skipSpace();
    if (m_pos != m_end) {
        fail("unexpected text after the object");
        return failed();
    }
    return true;
}
