#pragma once

#include <QtCore/QJsonValue>
#include <QtCore/QString>
#include <string>
#include <string_view>
#include <vector>

/**
 * A strict JSON parser for one manifest line holding an object. About 4× faster than
 * QJsonDocument on a typical line because it keeps top-level members flat; nested objects
 * and arrays (meta) are validated here, then built by QJsonDocument, which builds them
 * faster than QJsonObject::insert would. Not thread-safe; one per loading thread.
 */
class JsonLineParser
{
public:
    enum class Kind { Null, Bool, Number, String, Object, Array };

    struct Member
    {
        std::string key;  ///< UTF-8 key
        Kind kind = Kind::Null;
        QString text;     ///< strings; numbers as written ("3", "2.50"); "true"/"false"
        QJsonValue json;  ///< objects and arrays only
    };

    /**
     * Parses `line` as one JSON object into members (reused between calls). Returns false
     * with a reason and 1-based column in `error` when the line is not exactly one object.
     */
    bool parseObject(std::string_view line, std::vector<Member> *members, int *memberCount,
                     QString *error);

private:
    bool fail(const char *what);
    void skipSpace();
    bool parseString(QString *out);
    bool parseKey(std::string *out);
    bool parseNumber(std::string_view *raw);
    bool skipValue(int depth);
    bool parseLiteral(const char *word, std::size_t length);

    const char *m_begin = nullptr;
    const char *m_pos = nullptr;
    const char *m_end = nullptr;
    QString m_error;
};
