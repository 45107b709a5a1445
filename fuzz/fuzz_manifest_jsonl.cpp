// The JSONL manifest path: JsonLineParser on every line of the input, then the whole input as
// a dataset's manifest.jsonl through readManifest (row checker, path rules, builder).
#include "core/data/jsonlineparser.h"
#include "core/data/manifest.h"
#include "fuzz/scratchfile.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSet>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

void parseLines(std::string_view input)
{
    static JsonLineParser parser; // one per thread, reused between lines as the loader does
    static std::vector<JsonLineParser::Member> members;
    std::size_t start = 0;
    while (start <= input.size()) {
        std::size_t end = input.find('\n', start);
        if (end == std::string_view::npos)
            end = input.size();
        int count = 0;
        QString error;
        if (parser.parseObject(input.substr(start, end - start), &members, &count, &error)
            && (count < 0 || std::size_t(count) > members.size())) {
            std::fprintf(stderr, "parseObject reported %d members, holds %zu\n", count, members.size());
            std::abort();
        }
        start = end + 1;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    parseLines(std::string_view(reinterpret_cast<const char *>(data), size));

    ScratchFolder &scratch = ScratchFolder::instance();
    scratch.write(QStringLiteral("manifest.jsonl"), data, size);
    const Manifest manifest = readManifest(scratch.root());

    // What every later stage relies on: unique ids, and media inside the dataset folder.
    const QString root = QDir(scratch.root()).canonicalPath() + QLatin1Char('/');
    QSet<QString> ids;
    for (const SampleRecord &sample : manifest.samples) {
        if (sample.id.isEmpty() || ids.contains(sample.id)) {
            std::fprintf(stderr, "empty or duplicate sample id \"%s\"\n", qPrintable(sample.id));
            std::abort();
        }
        ids.insert(sample.id);
        for (const QString &path : {sample.imagePath, sample.audioPath, sample.textFile}) {
            if (!path.isEmpty() && !QFileInfo(path).canonicalFilePath().startsWith(root)) {
                std::fprintf(stderr, "sample %s names %s outside the dataset\n", qPrintable(sample.id), qPrintable(path));
                std::abort();
            }
        }
    }
    return 0;
}
