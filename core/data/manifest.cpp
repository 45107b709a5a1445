#include "core/data/manifest.h"

#include "core/data/csvreader.h"

#include <QtCore/QJsonObject>
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

#include <sys/stat.h>

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

/** What a manifest path is when it is not a readable regular file ("" when it is one, or
 *  when nothing is there): a FIFO would block a plain open() forever. */
QString unusableKind(const QString &path)
{
    struct stat info;
    const QByteArray name = QFile::encodeName(path);
    if (::lstat(name.constData(), &info) != 0)
        return {};
    if (S_ISLNK(info.st_mode) && ::stat(name.constData(), &info) != 0)
        return QStringLiteral("a symlink to nothing (dangling link)");
    if (S_ISREG(info.st_mode))
        return {};
    if (S_ISDIR(info.st_mode))
        return QStringLiteral("a directory, not a file");
    if (S_ISFIFO(info.st_mode))
        return QStringLiteral("a FIFO (named pipe), not a file; not opened, so the load cannot block on it");
    if (S_ISSOCK(info.st_mode))
        return QStringLiteral("a socket, not a file");
    return QStringLiteral("a device, not a file");
}

/** What every loading thread shares, read-only. */
struct LoadContext
{
    QString root;
    QString path;
    bool csv = false;
    const ColumnTable *columns = nullptr;
    std::size_t dataOffset = 0; ///< bytes before the data in the file (a UTF-8 byte order mark)
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

/** The id of a line that is not valid UTF-8, when the rest still parses (the bad bytes
 *  replaced); empty otherwise. */
QString idDespiteBadBytes(std::string_view text, const LoadContext &context, JsonLineParser &parser)
{
    std::string repaired(text);
    for (std::size_t at = 0; at < repaired.size();) {
        at += firstInvalidUtf8(repaired.data() + at, repaired.size() - at);
        if (at < repaired.size())
            repaired[at++] = '?';
    }
    std::vector<JsonLineParser::Member> members;
    int count = 0;
    QString error;
    if (!parser.parseObject(repaired, &members, &count, &error))
        return {};
    for (int i = 0; i < count; ++i) {
        const JsonLineParser::Member &m = members[std::size_t(i)];
        if (context.columns->field(m.key) == int(ManifestField::Id)
            && (m.kind == JsonLineParser::Kind::String || m.kind == JsonLineParser::Kind::Number))
            return m.text.trimmed();
    }
    return {};
}

void checkJsonlChunk(std::string_view data, std::size_t fileOffset, int firstLine, const LoadContext &context,
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
        const std::size_t bad = firstInvalidUtf8(text.data(), text.size());
        if (bad != text.size()) {
            checked.issues.append(DataIssue{idDespiteBadBytes(text, context, parser), context.path, line,
                                            QStringLiteral("invalid UTF-8 at byte %1 of the line (byte %2 of the file); line skipped")
                                                .arg(bad).arg(fileOffset + std::size_t(start - data.data()) + bad)});
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
        checkJsonlChunk(chunk, context.dataOffset + bounds[std::size_t(k)], firstLine[std::size_t(k)], context,
                        &rows[std::size_t(k)]);
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
    // "label.x", "label.y": named regression targets, one per column (JSONL's {"x": …, "y": …}).
    std::vector<QString> targetOfColumn;
    const QString targetPrefix = context.columns->labelColumn() + QLatin1Char('.');
    int headerCount = -1;
    int idColumn = -1;
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
            // An unterminated quote already says how many lines it swallowed.
            unusable(why.contains(QLatin1String(" lost"))
                         ? QStringLiteral("malformed CSV: %1").arg(why)
                         : QStringLiteral("malformed CSV row (%1); row skipped").arg(why));
            continue;
        }
        const std::string_view record = reader.lastRecord();
        const std::size_t bad = firstInvalidUtf8(record.data(), record.size());
        if (bad != record.size()) {
            const std::size_t offset = context.dataOffset + std::size_t(record.data() - data.data()) + bad;
            if (headerCount < 0) { // without column names no row can be read
                builder.issue(line, {}, QStringLiteral("invalid UTF-8 in the CSV header at byte %1 of the file; nothing loaded").arg(offset));
                return;
            }
            unusable(QStringLiteral("invalid UTF-8 at byte %1 of the row (byte %2 of the file); row skipped").arg(bad).arg(offset));
            if (idColumn >= 0 && idColumn < count) {
                const std::string &id = fields[std::size_t(idColumn)];
                if (isValidUtf8(id.data(), id.size()))
                    slots.back().issues.back().sampleId = QString::fromUtf8(id.data(), qsizetype(id.size())).trimmed();
            }
            continue;
        }
        if (headerCount < 0) {
            headerCount = count;
            for (int i = 0; i < count; ++i) {
                const std::string &name = fields[std::size_t(i)];
                int field = context.columns->field(name);
                const QString header = QString::fromStdString(name).trimmed();
                const bool target = field < 0 && header.startsWith(targetPrefix) && header.size() > targetPrefix.size();
                targetOfColumn.push_back(target ? header.mid(targetPrefix.size()) : QString());
                if (target) {
                    fieldOfColumn.push_back(-1);
                    continue;
                }
                if (field >= 0 && std::find(fieldOfColumn.begin(), fieldOfColumn.end(), field) != fieldOfColumn.end()) {
                    builder.issue(line, {}, QStringLiteral("column \"%1\" appears twice; the later one is ignored")
                                                .arg(QString::fromStdString(name)));
                    field = -1;
                } else if (field < 0) {
                    builder.unknownColumn(name.empty() ? QStringLiteral("(unnamed column %1)").arg(i + 1)
                                                       : QString::fromStdString(name), line, {});
                }
                if (field == int(ManifestField::Id))
                    idColumn = i;
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
        QJsonObject targets;
        for (int i = 0; i < count; ++i) {
            const int field = fieldOfColumn[std::size_t(i)];
            const std::string &value = fields[std::size_t(i)];
            if (value.empty())
                continue; // an empty cell is an absent value (a missing target)
            const QString text = QString::fromUtf8(value.data(), qsizetype(value.size()));
            if (!targetOfColumn[std::size_t(i)].isEmpty()) {
                bool number = false;
                const double parsed = text.trimmed().toDouble(&number);
                targets.insert(targetOfColumn[std::size_t(i)], number ? QJsonValue(parsed) : QJsonValue(text)); // text: named as not a number
                continue;
            }
            if (field < 0)
                continue;
            row[std::size_t(field)].kind = RawField::Kind::String;
            row[std::size_t(field)].text = text;
        }
        if (!targets.isEmpty() && row[std::size_t(ManifestField::Label)].kind == RawField::Kind::Absent) {
            row[std::size_t(ManifestField::Label)].kind = RawField::Kind::Object;
            row[std::size_t(ManifestField::Label)].json = targets;
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

QString whyNoManifest(const QString &datasetOrManifestPath)
{
    const QFileInfo given(datasetOrManifestPath);
    if (datasetOrManifestPath.isEmpty())
        return QStringLiteral("no dataset folder or manifest given");
    const QString givenKind = unusableKind(given.absoluteFilePath());
    if (!given.isDir() && !givenKind.isEmpty())
        return QStringLiteral("%1 is %2").arg(given.absoluteFilePath(), givenKind);
    if (!given.exists())
        return QStringLiteral("%1: no such file or folder").arg(given.absoluteFilePath());
    const QDir dir(given.absoluteFilePath());
    for (const char *name : kManifestNames) {
        const QString kind = unusableKind(dir.filePath(QLatin1String(name)));
        if (!kind.isEmpty())
            return QStringLiteral("%1 is %2").arg(dir.filePath(QLatin1String(name)), kind);
    }
    return QStringLiteral("no manifest.jsonl or manifest.csv (nor a Hugging Face metadata.jsonl or "
                          "metadata.csv) in %1").arg(dir.absolutePath());
}

Manifest readManifest(const QString &datasetOrManifestPath, const ColumnMap &columns, TaskRequest task,
                      const QString &tagSeparator)
{
    Manifest manifest;
    const QFileInfo given(datasetOrManifestPath);
    auto fail = [&](const QString &file, const QString &reason) {
        manifest.issues.append(DataIssue{{}, file, 0, reason});
        return manifest;
    };
    if (datasetOrManifestPath.isEmpty())
        return fail({}, whyNoManifest(datasetOrManifestPath));
    const QString givenKind = given.isDir() ? QString() : unusableKind(given.absoluteFilePath());
    if (!givenKind.isEmpty()) // before exists(): a dangling link does not "exist"
        return fail(given.absoluteFilePath(), QStringLiteral("the manifest is %1").arg(givenKind));
    if (!given.exists())
        return fail(given.absoluteFilePath(), QStringLiteral("no such file or folder"));
    manifest.root = given.isDir() ? given.absoluteFilePath() : given.absolutePath();
    manifest.path = findManifest(datasetOrManifestPath);
    if (manifest.path.isEmpty())
        return fail({}, whyNoManifest(datasetOrManifestPath)); // the reason names the path
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
    const LoadContext context{manifest.root, manifest.path, !jsonl, &table, std::size_t(data.data() - bytes.constData())};
    ManifestBuilder builder(&manifest);
    if (given.isDir()) {
        // Only one manifest is read: name the others, or their rows would vanish unexplained.
        for (const char *name : kManifestNames) {
            const QString other = QDir(given.absoluteFilePath()).filePath(QLatin1String(name));
            // manifest.* beside manifest.*; metadata.* is only a fallback and not reported.
            const bool isOther = QLatin1String(name) != manifestInfo.fileName();
            const bool sameStem = QLatin1String(name).left(9) == manifestInfo.fileName().left(9);
            if (isOther && sameStem && QFileInfo(other).isFile())
                builder.issue(0, {}, QStringLiteral("%1 is also present and ignored: %2 is the manifest read")
                                         .arg(QLatin1String(name), manifestInfo.fileName()));
        }
    }
    QString error;
    if (jsonl) {
        readJsonl(data, context, builder, &error);
    } else {
        const bool tsv = manifestInfo.suffix().compare(QLatin1String("tsv"), Qt::CaseInsensitive) == 0;
        readCsv(data, tsv ? '\t' : ',', context, builder, &error);
    }
    if (!error.isEmpty())
        builder.issue(0, {}, QStringLiteral("loading stopped early: %1").arg(error));
    builder.finish(task, tagSeparator);
    if (manifest.samples.empty() && manifest.issues.isEmpty())
        builder.issue(0, {}, QStringLiteral("the manifest lists no samples"));
    return manifest;
}
