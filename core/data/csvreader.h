#pragma once

#include <QtCore/QString>
#include <string>
#include <string_view>
#include <vector>

/**
 * RFC 4180 record reader over a CSV held in memory: quoted fields may hold the delimiter,
 * newlines and doubled quotes; CRLF or LF line ends; blank lines are skipped. Reports each
 * record's first physical line. One reader per thread.
 */
class CsvReader
{
public:
    enum class Result { Record, Error, End };

    explicit CsvReader(std::string_view data, char delimiter = ',');

    /**
     * Reads the next record into fields (reused between calls). On Error, `error` says why and
     * the reader has skipped past the bad record, so reading may go on.
     */
    Result next(std::vector<std::string> *fields, int *fieldCount, int *line, QString *error);

    /** Raw bytes of the record last returned (for UTF-8 validation). */
    std::string_view lastRecord() const { return m_lastRecord; }

private:
    void skipToLineEnd();

    std::string_view m_data;
    std::size_t m_pos = 0;
    int m_line = 1;
    char m_delimiter;
    std::string_view m_lastRecord;
};
