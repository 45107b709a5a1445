// The CSV manifest path with column mapping. The first input byte picks the file name
// (manifest.csv, or a Hugging Face metadata.csv whose file_name column is the media) and
// one of a few --map specs; the rest is the CSV: CsvReader on its own, then readManifest.
#include "core/data/columnmap.h"
#include "core/data/csvreader.h"
#include "core/data/manifest.h"
#include "fuzz/scratchfile.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

const char *const kMaps[] = {
    "",
    "text=caption,image=file_name",
    "id=key,label=class,split=subset",
    "text=label,label=text",          // swapped columns
    "audio=sound,text_file=transcript",
    "meta=extra,image=picture",
};
constexpr int kMapCount = int(sizeof kMaps / sizeof kMaps[0]);

void readRecords(std::string_view csv, char delimiter)
{
    CsvReader reader(csv, delimiter);
    std::vector<std::string> fields;
    int line = 0;
    int lastLine = 0;
    for (int guard = 0;; ++guard) {
        int count = 0;
        QString error;
        const CsvReader::Result result = reader.next(&fields, &count, &line, &error);
        if (result == CsvReader::Result::End)
            break;
        // Each record starts on a later line, and the reader always moves on: no endless loop.
        if (line < lastLine || std::size_t(guard) > csv.size() + 1) {
            std::fprintf(stderr, "CsvReader went back to line %d after %d (record %d)\n", line, lastLine, guard);
            std::abort();
        }
        if (result == CsvReader::Result::Record && (count < 0 || std::size_t(count) > fields.size())) {
            std::fprintf(stderr, "CsvReader reported %d fields, holds %zu\n", count, fields.size());
            std::abort();
        }
        lastLine = line;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::uint8_t selector = data[0];
    const std::string_view csv(reinterpret_cast<const char *>(data + 1), size - 1);
    readRecords(csv, ',');
    readRecords(csv, (selector & 0x80) ? '\t' : ';');

    ColumnMap columns;
    QString error;
    if (!columns.parse(QString::fromLatin1(kMaps[(selector & 0x7f) % kMapCount]), &error)) {
        std::fprintf(stderr, "fuzz: bad built-in map: %s\n", qPrintable(error));
        std::abort();
    }
    const QString name = (selector & 0x40) ? QStringLiteral("metadata.csv") : QStringLiteral("manifest.csv");
    const QString path = ScratchFolder::instance().write(name, data + 1, size - 1);
    readManifest(path, columns);
    return 0;
}
