#include "core/data/manifest.h"

#include "core/data/csvreader.h"
#include "core/data/jsonlineparser.h"
#include "core/data/manifestbuilder.h"
#include "core/data/manifestrow.h"
#include "core/data/textcheck.h"
#include "core/util/threads.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <algorithm>
#include <cstring>
#include <functional>
#include <thread>

namespace {

static_assert(int(RawField::Kind::Array) == int(JsonLineParser::Kind::Array) + 1
                  && int(RawField::Kind::Null) == int(JsonLineParser::Kind::Null) + 1,
              "RawField::Kind is JsonLineParser::Kind shifted by Absent");

// Tried in order; Hugging Face's metadata.* only when no manifest.* exists.
const char *const kManifestNames[] = {"manifest.jsonl", "manifest.csv", "manifest.tsv",
                                      "metadata.jsonl", "metadata.csv", "metadata.tsv"};

// Below this much work per thread, starting threads costs more than it saves.
constexpr std::size_t kMinChunkBytes = 512 * 1024;
constexpr std::size_t kMinChunkRows = 4096;
constexpr int kMaxThreads = 8;

/** What every loading thread shares, read-only. */
struct LoadContext
{
    QString root;
    QString path;
    bool csv = false;
    const ColumnTable *columns = nullptr;
};

/** Runs work(0..n-1) on n threads (the caller's included); a thrown exception becomes `error`. */
void runChunks(int n, const std::function<void(int)> &work, QString *error)
{
    std::vector<QString> errors(static_cast<std::size_t>(n));
    auto guarded = [&](int chunk) {
        try {
            work(chunk);
        } catch (const std::exception &e) {
            errors[std::size_t(chunk)] = QString::fromLocal8Bit(e.what());
        }
    };
    std::vector<std::thread> threads;
    for (int chunk = 1; chunk < n; ++chunk)
        threads.emplace_back(guarded, chunk);
    guarded(0);
    for (std::thread &t : threads)
        t.join();
    for (const QString &e : errors) {
        if (!e.isEmpty() && error->isEmpty())
            *error = e;
    }
}

int threadsFor(std::size_t units, std::size_t minPerThread)
{
    const std::size_t byWork = std::max<std::size_t>(1, units / minPerThread);
    return int(std::min<std::size_t>({byWork, std::size_t(availableCores()), kMaxThreads}));
}

void checkJsonlChunk(std::string_view data, int firstLine, const LoadContext &context,
                     std::vector<CheckedRow> *out)
{
    JsonLineParser parser;
    ManifestRowChecker checker(context.root, context.path, /*csv=*/false);
    std::vector<JsonLineParser::Member> members;
    RawRow row;
    QString error;
    int line = firstLine - 1;
    std::size_t pos = 0;
    while (pos < data.size()) {
        ++line;
        const char *start = data.data() + pos;
        const void *newline = std::memchr(start, '\n', data.size() - pos);
        const std::size_t length = newline ? std::size_t(static_cast<const char *>(newline) - start)
                                           : data.size() - pos;
        pos += length + 1;
        const std::string_view text(start, length);
        if (text.find_first_not_of(" \t\r") == std::string_view::npos)
            continue; // blank lines are not rows
        out->emplace_back();
        CheckedRow &checked = out->back();
        checked.line = line;
        auto unusable = [&](const QString &reason) {
            checked.issues.append(DataIssue{{}, context.path, line, reason});
        };
        if (!isValidUtf8(text.data(), text.size())) {
            unusable(QStringLiteral("invalid UTF-8; line skipped"));
            continue;
        }
        int count = 0;
        if (!parser.parseObject(text, &members, &count, &error)) {
            unusable(QStringLiteral("malformed JSON line (%1); line skipped").arg(error));
            continue;
        }
        for (RawField &f : row)
            f.kind = RawField::Kind::Absent;
        for (int i = 0; i < count; ++i) {
            JsonLineParser::Member &m = members[std::size_t(i)];
            const int field = context.columns->field(m.key);
            if (field < 0) {
                checked.unknownColumns << QString::fromStdString(m.key);
                continue;
            }
            RawField &f = row[std::size_t(field)];
            f.kind = RawField::Kind(int(m.kind) + 1); // same order, after Absent
            f.text = std::move(m.text);
            f.json = std::move(m.json);
        }
        checker.check(line, row, &checked);
    }
}

void readJsonl(std::string_view data, const LoadContext &context, ManifestBuilder &builder, QString *error)
{
    // Chunks start at line starts; each knows its first line number.
    const int n = threadsFor(data.size(), kMinChunkBytes);
    std::vector<std::size_t> bounds{0};
    for (int k = 1; k < n; ++k) {
        std::size_t at = std::max(bounds.back(), data.size() * std::size_t(k) / std::size_t(n));
        const std::size_t newline = data.find('\n', at);
        bounds.push_back(newline == std::string_view::npos ? data.size() : newline + 1);
    }
    bounds.push_back(data.size());
    std::vector<int> firstLine{1};
    std::vector<std::vector<CheckedRow>> rows(static_cast<std::size_t>(n));
    for (int k = 0; k < n; ++k) {
        const int lines = int(std::count(data.begin() + bounds[std::size_t(k)], data.begin() + bounds[std::size_t(k) + 1], '\n'));
        rows[std::size_t(k)].reserve(std::size_t(lines) + 1); // no regrowth of these large rows
        firstLine.push_back(firstLine.back() + lines);
    }
    builder.reserve(firstLine.back());
    runChunks(n, [&](int k) {
        const std::string_view chunk = data.substr(bounds[std::size_t(k)], bounds[std::size_t(k) + 1] - bounds[std::size_t(k)]);
        checkJsonlChunk(chunk, firstLine[std::size_t(k)], context, &rows[std::size_t(k)]);
    }, error);
    for (std::vector<CheckedRow> &chunk : rows) {
        for (CheckedRow &row : chunk)
            builder.add(std::move(row));
        std::vector<CheckedRow>().swap(chunk);
    }
}

void readCsv(std::string_view data, char delimiter, const LoadContext &context, ManifestBuilder &builder, QString *error)
{
    // Quoted newlines make CSV records hard to split blindly: read them in one pass, then
    // check the rows (file stats, meta) in parallel.
    CsvReader reader(data, delimiter);
    std::vector<std::string> fields;
    int count = 0, line = 0;
    QString why;
    std::vector<int> fieldOfColumn;
    int headerCount = -1;
    std::vector<CheckedRow> slots;
    std::vector<RawRow> raws;
    while (true) {
        const CsvReader::Result result = reader.next(&fields, &count, &line, &why);
        if (result == CsvReader::Result::End)
            break;
        auto unusable = [&](const QString &reason) {
            slots.emplace_back();
            raws.emplace_back();
            slots.back().line = line;
            slots.back().issues.append(DataIssue{{}, context.path, line, reason});
        };
        if (result == CsvReader::Result::Error) {
            unusable(QStringLiteral("malformed CSV row (%1); row skipped").arg(why));
            continue;
        }
        const std::string_view record = reader.lastRecord();
        if (!isValidUtf8(record.data(), record.size())) {
            if (headerCount < 0) { // without column names no row can be read
                builder.issue(line, {}, QStringLiteral("invalid UTF-8 in the CSV header; nothing loaded"));
                return;
            }
            unusable(QStringLiteral("invalid UTF-8; row skipped"));
            continue;
        }
        if (headerCount < 0) {
            headerCount = count;
            for (int i = 0; i < count; ++i) {
                const std::string &name = fields[std::size_t(i)];
                int field = context.columns->field(name);
                if (field >= 0 && std::find(fieldOfColumn.begin(), fieldOfColumn.end(), field) != fieldOfColumn.end()) {
                    builder.issue(line, {}, QStringLiteral("column \"%1\" appears twice; the later one is ignored")
                                                .arg(QString::fromStdString(name)));
                    field = -1;
                } else if (field < 0) {
                    builder.unknownColumn(name.empty() ? QStringLiteral("(unnamed column %1)").arg(i + 1)
                                                       : QString::fromStdString(name), line, {});
                }
                fieldOfColumn.push_back(field);
            }
            continue;
        }
        if (count != headerCount) {
            unusable(QStringLiteral("malformed CSV row: %1 fields where the header has %2; row skipped").arg(count).arg(headerCount));
            continue;
        }
        slots.emplace_back();
        slots.back().line = line;
        slots.back().parsed = true; // to be checked
        raws.emplace_back();
        RawRow &row = raws.back();
        for (int i = 0; i < count; ++i) {
            const int field = fieldOfColumn[std::size_t(i)];
            const std::string &value = fields[std::size_t(i)];
            if (field < 0 || value.empty())
                continue; // an empty cell is an absent value
            row[std::size_t(field)].kind = RawField::Kind::String;
            row[std::size_t(field)].text = QString::fromUtf8(value.data(), qsizetype(value.size()));
        }
    }
    if (headerCount < 0)
        builder.issue(0, {}, QStringLiteral("the CSV manifest has no header row"));

    builder.reserve(int(slots.size()));
    const int n = threadsFor(slots.size(), kMinChunkRows);
    runChunks(n, [&](int k) {
        ManifestRowChecker checker(context.root, context.path, /*csv=*/true);
        const std::size_t begin = slots.size() * std::size_t(k) / std::size_t(n);
        const std::size_t end = slots.size() * std::size_t(k + 1) / std::size_t(n);
        for (std::size_t i = begin; i < end; ++i) {
            if (slots[i].parsed)
                checker.check(slots[i].line, raws[i], &slots[i]);
        }
    }, error);
    for (CheckedRow &row : slots)
        builder.add(std::move(row));
}

bool isJsonl(const QString &path, std::string_view data)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    if (suffix == QLatin1String("jsonl") || suffix == QLatin1String("json") || suffix == QLatin1String("ndjson"))
        return true;
    if (suffix == QLatin1String("csv") || suffix == QLatin1String("tsv"))
        return false;
    const auto first = data.find_first_not_of(" \t\r\n");
    return first != std::string_view::npos && data[first] == '{';
}

} // namespace

int Manifest::labelIndex(const QString &label) const
{
    const auto it = std::lower_bound(labels.cbegin(), labels.cend(), label, naturalLess);
    return it != labels.cend() && *it == label ? int(it - labels.cbegin()) : -1;
}

QString findManifest(const QString &datasetOrManifestPath)
{
    const QFileInfo info(datasetOrManifestPath);
    if (info.isFile())
        return info.absoluteFilePath();
    if (!info.isDir())
        return {};
    const QDir dir(info.absoluteFilePath());
    for (const char *name : kManifestNames) {
        const QFileInfo candidate(dir.filePath(QLatin1String(name)));
        if (candidate.isFile())
            return candidate.absoluteFilePath();
    }
    return {};
}

Manifest readManifest(const QString &datasetOrManifestPath, const ColumnMap &columns)
{
    Manifest manifest;
    const QFileInfo given(datasetOrManifestPath);
    auto fail = [&](const QString &file, const QString &reason) {
        manifest.issues.append(DataIssue{{}, file, 0, reason});
        return manifest;
    };
    if (datasetOrManifestPath.isEmpty())
        return fail({}, QStringLiteral("no dataset folder or manifest given"));
    if (!given.exists())
        return fail(given.absoluteFilePath(), QStringLiteral("no such file or folder"));
    manifest.root = given.isDir() ? given.absoluteFilePath() : given.absolutePath();
    manifest.path = findManifest(datasetOrManifestPath);
    if (manifest.path.isEmpty()) {
        return fail(manifest.root, QStringLiteral("no manifest.jsonl or manifest.csv (nor a Hugging Face "
                                                  "metadata.jsonl or metadata.csv) in this folder"));
    }
    const QFileInfo manifestInfo(manifest.path);
    // Canonical, so symlinks inside the dataset can be checked against it.
    const QString canonicalRoot = QFileInfo(manifestInfo.absolutePath()).canonicalFilePath();
    manifest.root = canonicalRoot.isEmpty() ? manifestInfo.absolutePath() : canonicalRoot;
    QFile file(manifest.path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(manifest.path, QStringLiteral("cannot read the manifest: %1").arg(file.errorString()));
    const QByteArray bytes = file.readAll();
    if (file.error() != QFileDevice::NoError)
        return fail(manifest.path, QStringLiteral("cannot read the manifest: %1").arg(file.errorString()));

    std::string_view data(bytes.constData(), std::size_t(bytes.size()));
    if (data.size() >= 3 && std::memcmp(data.data(), "\xEF\xBB\xBF", 3) == 0)
        data.remove_prefix(3);
    const bool hfMetadata = manifestInfo.fileName().startsWith(QLatin1String("metadata."), Qt::CaseInsensitive);
    const bool jsonl = isJsonl(manifest.path, data);
    const ColumnTable table(columns, hfMetadata);
    const LoadContext context{manifest.root, manifest.path, !jsonl, &table};
    ManifestBuilder builder(&manifest);
    QString error;
    if (jsonl) {
        readJsonl(data, context, builder, &error);
    } else {
        const bool tsv = manifestInfo.suffix().compare(QLatin1String("tsv"), Qt::CaseInsensitive) == 0;
        readCsv(data, tsv ? '\t' : ',', context, builder, &error);
    }
    if (!error.isEmpty())
        builder.issue(0, {}, QStringLiteral("loading stopped early: %1").arg(error));
    builder.finish();
    if (manifest.samples.empty() && manifest.issues.isEmpty())
        builder.issue(0, {}, QStringLiteral("the manifest lists no samples"));
    return manifest;
}
