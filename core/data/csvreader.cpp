#include "core/data/csvreader.h"

#include <algorithm>

CsvReader::CsvReader(std::string_view data, char delimiter)
    : m_data(data), m_delimiter(delimiter)
{
}

void CsvReader::skipToLineEnd()
{
    while (m_pos < m_data.size() && m_data[m_pos] != '\n')
        ++m_pos;
    if (m_pos < m_data.size()) {
        ++m_pos;
        ++m_line;
    }
}

CsvReader::Result CsvReader::next(std::vector<std::string> *fields, int *fieldCount, int *line,
                                  QString *error)
{
    const std::size_t size = m_data.size();
    // Blank lines (and a trailing newline) are not records.
    while (m_pos < size) {
        if (m_data[m_pos] == '\n') {
            ++m_pos;
            ++m_line;
        } else if (m_data[m_pos] == '\r' && m_pos + 1 < size && m_data[m_pos + 1] == '\n') {
            m_pos += 2;
            ++m_line;
        } else {
            break;
        }
    }
    if (m_pos >= size)
        return Result::End;

    *line = m_line;
    *fieldCount = 0;
    const std::size_t recordStart = m_pos;
    while (true) {
        if (int(fields->size()) <= *fieldCount)
            fields->emplace_back();
        std::string &field = (*fields)[std::size_t(*fieldCount)];
        field.clear();
        ++*fieldCount;
        if (m_pos < size && m_data[m_pos] == '"') {
            ++m_pos;
            while (true) {
                const std::size_t quote = m_data.find('"', m_pos);
                if (quote == std::string_view::npos) {
                    // Everything after the quote became one field: say how much was lost,
                    // not just "one row skipped".
                    const std::string_view rest = m_data.substr(recordStart);
                    int lines = 0;
                    for (std::size_t at = 0; at < rest.size();) {
                        const std::size_t newline = rest.find('\n', at);
                        const std::size_t end = newline == std::string_view::npos ? rest.size() : newline;
                        if (rest.substr(at, end - at).find_first_not_of(" \t\r") != std::string_view::npos)
                            ++lines;
                        at = end + 1;
                    }
                    *error = lines > 1
                        ? QStringLiteral("unterminated quoted field: the quote opened on line %1 runs to the end of "
                                         "the file, so this row and the %2 row(s) after it (through line %3) are lost")
                              .arg(*line).arg(lines - 1).arg(*line + int(std::count(rest.begin(), rest.end(), '\n'))
                                                             - (rest.empty() || rest.back() != '\n' ? 0 : 1))
                        : QStringLiteral("unterminated quoted field");
                    m_lastRecord = rest;
                    m_pos = size;
                    return Result::Error;
                }
                for (std::size_t i = m_pos; i < quote; ++i) {
                    if (m_data[i] == '\n')
                        ++m_line;
                }
                field.append(m_data.data() + m_pos, quote - m_pos);
                m_pos = quote + 1;
                if (m_pos < size && m_data[m_pos] == '"') { // doubled quote
                    field.push_back('"');
                    ++m_pos;
                    continue;
                }
                break;
            }
            const bool atEnd = m_pos >= size || m_data[m_pos] == m_delimiter || m_data[m_pos] == '\n'
                               || (m_data[m_pos] == '\r' && (m_pos + 1 >= size || m_data[m_pos + 1] == '\n'));
            if (!atEnd) {
                *error = QStringLiteral("unexpected text after a closing quote");
                m_lastRecord = m_data.substr(recordStart, m_pos - recordStart);
                skipToLineEnd();
                return Result::Error;
            }
        } else {
            const std::size_t start = m_pos;
            while (m_pos < size && m_data[m_pos] != m_delimiter && m_data[m_pos] != '\n')
                ++m_pos;
            std::size_t stop = m_pos;
            if (stop > start && m_data[stop - 1] == '\r' && (m_pos >= size || m_data[m_pos] == '\n'))
                --stop;
            field.assign(m_data.data() + start, stop - start);
        }
        if (m_pos < size && m_data[m_pos] == '\r')
            ++m_pos;
        if (m_pos < size && m_data[m_pos] == m_delimiter) {
            ++m_pos;
            continue;
        }
        m_lastRecord = m_data.substr(recordStart, m_pos - recordStart);
        if (m_pos < size) { // '\n'
            ++m_pos;
            ++m_line;
        }
        return Result::Record;
    }
}
