#include "core/data/manifestrow.h"

#include "core/data/textcheck.h"

#include <QtCore/QFile>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace {

// A caption file larger than this is almost certainly a wrongly named column.
constexpr qint64 kMaxTextFileBytes = 16 * 1024 * 1024;

QLatin1String kindName(RawField::Kind kind)
{
    switch (kind) {
    case RawField::Kind::Absent: return QLatin1String("absent");
    case RawField::Kind::Null: return QLatin1String("null");
    case RawField::Kind::Bool: return QLatin1String("a boolean");
    case RawField::Kind::Number: return QLatin1String("a number");
    case RawField::Kind::String: return QLatin1String("a string");
    case RawField::Kind::Object: return QLatin1String("an object");
    case RawField::Kind::Array: return QLatin1String("an array");
    }
    return {};
}

bool given(const RawField &f) { return f.kind != RawField::Kind::Absent && f.kind != RawField::Kind::Null; }

bool isAudioName(const QString &path)
{
    static const char *const extensions[] = {".wav", ".flac", ".mp3", ".ogg", ".oga", ".opus",
                                             ".m4a", ".aac", ".wma", ".aiff", ".aif"};
    for (const char *e : extensions) {
        if (path.endsWith(QLatin1String(e), Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

ColumnTable::ColumnTable(const ColumnMap &columns, bool hfMetadata)
{
    const QStringList &fields = ColumnMap::fieldNames();
    for (int f = 0; f < fields.size(); ++f)
        m_columns.emplace_back(columns.column(fields[f]).toStdString(), f);
    // Hugging Face's imagefolder/audiofolder name the media column file_name.
    const bool mediaMapped = columns.column(QStringLiteral("image")) != QLatin1String("image")
                             || columns.column(QStringLiteral("audio")) != QLatin1String("audio");
    if (hfMetadata && !mediaMapped && field("file_name") < 0)
        m_columns.emplace_back("file_name", int(ManifestField::FileName));
}

int ColumnTable::field(std::string_view column) const
{
    for (const auto &[name, field] : m_columns) {
        if (name == column)
            return field;
    }
    return -1;
}

ManifestRowChecker::ManifestRowChecker(const QString &root, const QString &manifestPath, bool csv)
    : m_resolver(root), m_manifestPath(manifestPath), m_csv(csv)
{
}

void ManifestRowChecker::issue(CheckedRow *out, const QString &reason) const
{
    out->issues.append(DataIssue{out->id, m_manifestPath, out->line, reason});
}

QString ManifestRowChecker::resolveMedia(CheckedRow *out, const char *what, const RawField &field)
{
    if (!given(field))
        return {};
    if (field.kind != RawField::Kind::String) {
        issue(out, QStringLiteral("%1 must be a path string, not %2; %1 dropped")
                       .arg(QLatin1String(what), kindName(field.kind)));
        return {};
    }
    if (field.text.isEmpty())
        return {}; // an empty CSV cell: the modality is absent
    const PathResolver::Result r = m_resolver.resolve(field.text);
    if (r.status != PathResolver::Status::Ok) {
        issue(out, QStringLiteral("%1 \"%2\": %3; %1 dropped")
                       .arg(QLatin1String(what), field.text, PathResolver::describe(r.status)));
        return {};
    }
    return r.path;
}

QString ManifestRowChecker::readTextFile(CheckedRow *out, const RawField &field, QString *textFile)
{
    const QString path = resolveMedia(out, "text_file", field);
    if (path.isEmpty())
        return {};
    auto drop = [&](const QString &why) {
        issue(out, QStringLiteral("text_file \"%1\": %2; text dropped").arg(field.text, why));
        return QString();
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return drop(file.errorString());
    if (file.size() > kMaxTextFileBytes)
        return drop(QStringLiteral("larger than %1 MiB").arg(kMaxTextFileBytes >> 20));
    QByteArray bytes = file.readAll();
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    if (!isValidUtf8(bytes.constData(), std::size_t(bytes.size())))
        return drop(QStringLiteral("not valid UTF-8"));
    const QString text = QString::fromUtf8(bytes).trimmed();
    if (text.isEmpty())
        return drop(QStringLiteral("empty text"));
    *textFile = path;
    return text;
}

void ManifestRowChecker::checkMeta(CheckedRow *out, RawField &meta) const
{
    if (m_csv && meta.kind == RawField::Kind::String) {
        // A CSV cell holds the meta object as JSON text.
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(meta.text.toUtf8(), &error);
        if (!doc.isObject()) {
            issue(out, QStringLiteral("meta is not a JSON object (%1); ignored")
                           .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                       : QStringLiteral("not an object")));
            return;
        }
        out->sample.meta = doc.object();
        return;
    }
    if (meta.kind == RawField::Kind::Object)
        out->sample.meta = meta.json.toObject();
    else if (given(meta))
        issue(out, QStringLiteral("meta must be a JSON object, not %1; ignored").arg(kindName(meta.kind)));
}

void ManifestRowChecker::check(int line, RawRow &row, CheckedRow *out)
{
    out->line = line;
    out->parsed = true;
    const RawField &idField = row[int(ManifestField::Id)];
    const bool usableId = idField.kind == RawField::Kind::String || idField.kind == RawField::Kind::Number;
    out->id = usableId ? idField.text.trimmed() : QString();
    if (out->id.isEmpty())
        out->id = QStringLiteral("line-%1").arg(line);
    if (given(idField) && !usableId)
        issue(out, QStringLiteral("id must be a string or number, not %1; using \"%2\"").arg(kindName(idField.kind), out->id));

    SampleRecord &s = out->sample;
    s.id = out->id;
    s.line = line;

    // Hugging Face's file_name fills whichever media slot its extension suggests.
    const RawField &fileName = row[int(ManifestField::FileName)];
    if (fileName.kind == RawField::Kind::String) {
        const auto slot = isAudioName(fileName.text) ? ManifestField::Audio : ManifestField::Image;
        if (row[int(slot)].kind == RawField::Kind::Absent)
            row[int(slot)] = fileName;
    }

    const RawField &text = row[int(ManifestField::Text)];
    const RawField &textFile = row[int(ManifestField::TextFile)];
    if (text.kind == RawField::Kind::String) {
        if (text.text.trimmed().isEmpty()) {
            if (!given(textFile))
                issue(out, QStringLiteral("empty text; text dropped"));
        } else {
            s.text = text.text;
        }
    } else if (given(text)) {
        issue(out, QStringLiteral("text must be a string, not %1; text dropped").arg(kindName(text.kind)));
    }
    if (s.text.isEmpty())
        s.text = readTextFile(out, textFile, &s.textFile);

    s.imagePath = resolveMedia(out, "image", row[int(ManifestField::Image)]);
    s.audioPath = resolveMedia(out, "audio", row[int(ManifestField::Audio)]);
    if (!s.hasText() && !s.hasImage() && !s.hasAudio()) {
        issue(out, QStringLiteral("no usable modality (text, image or audio); sample skipped"));
        return;
    }

    const RawField &label = row[int(ManifestField::Label)];
    if (label.kind == RawField::Kind::String || label.kind == RawField::Kind::Number)
        s.label = label.text.trimmed();
    else if (given(label))
        issue(out, QStringLiteral("label must be a string or number, not %1; sample kept unlabeled").arg(kindName(label.kind)));

    const RawField &split = row[int(ManifestField::Split)];
    std::optional<Split> named;
    const bool splitGiven = given(split) && !(split.kind == RawField::Kind::String && split.text.trimmed().isEmpty());
    if (splitGiven) {
        if (split.kind == RawField::Kind::String)
            named = splitFromName(split.text);
        if (!named)
            issue(out, QStringLiteral("unknown split \"%1\" (expected train, val or test); using the hash split")
                           .arg(split.kind == RawField::Kind::String ? split.text : QString(kindName(split.kind))));
    }
    s.split = named ? *named : splitFromId(out->id);
    s.splitFromHash = !named;

    checkMeta(out, row[int(ManifestField::Meta)]);
    out->keep = true;
}
