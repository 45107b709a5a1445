#include "core/data/manifestrow.h"

#include "core/data/textcheck.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QSet>

namespace {

// UTF-8 takes at most 3 bytes per UTF-16 unit (4 per surrogate pair): this many bytes
// always hold kMaxTextChars, so a long document is read only as far as a sample keeps.
constexpr qint64 kMaxTextFileBytes = qint64(kMaxTextChars) * 3 + 3;

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
    m_labelColumn = columns.column(QStringLiteral("label"));
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

void ManifestRowChecker::issue(CheckedRow *out, const QString &reason, const QString &field, const QString &path) const
{
    out->issues.append(DataIssue{out->id, m_manifestPath, out->line, reason, field, path});
}

QString ManifestRowChecker::resolveMedia(CheckedRow *out, const char *what, const RawField &field)
{
    if (!given(field))
        return {};
    if (field.kind != RawField::Kind::String) {
        issue(out, QStringLiteral("must be a path string, not %1; %2 dropped")
                       .arg(kindName(field.kind), QLatin1String(what)), QLatin1String(what));
        return {};
    }
    if (field.text.isEmpty())
        return {}; // an empty CSV cell: the modality is absent
    const PathResolver::Result r = m_resolver.resolve(field.text);
    if (r.status != PathResolver::Status::Ok) {
        issue(out, QStringLiteral("%1; %2 dropped").arg(PathResolver::describe(r.status), QLatin1String(what)),
              QLatin1String(what), field.text);
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
        issue(out, QStringLiteral("%1; text dropped").arg(why), QStringLiteral("text_file"), field.text);
        return QString();
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return drop(file.errorString());
    const qint64 size = file.size();
    QByteArray bytes = file.read(kMaxTextFileBytes);
    if (file.error() != QFileDevice::NoError)
        return drop(file.errorString());
    const bool cut = size > bytes.size();
    if (cut)
        bytes.truncate(qsizetype(utf8PrefixLength(bytes.constData(), std::size_t(bytes.size()), std::size_t(bytes.size()) - 1)));
    if (bytes.startsWith("\xEF\xBB\xBF"))
        bytes.remove(0, 3);
    const std::size_t bad = firstInvalidUtf8(bytes.constData(), std::size_t(bytes.size()));
    if (bad != std::size_t(bytes.size()))
        return drop(QStringLiteral("not valid UTF-8 (at byte %1)").arg(bad));
    QString text = QString::fromUtf8(bytes).trimmed();
    if (text.isEmpty())
        return drop(QStringLiteral("empty text"));
    if (cut || text.size() > kMaxTextChars) {
        text = cutText(text, kMaxTextChars);
        issue(out, QStringLiteral("%1 bytes; only the first %2 characters are read (the most a sample keeps; "
                                  "a model reads at most its text length in tokens)")
                       .arg(size).arg(text.size()),
              QStringLiteral("text_file"), field.text);
    }
    *textFile = path;
    return text;
}

void ManifestRowChecker::capText(CheckedRow *out, const char *field, const QString &path)
{
    QString &text = out->sample.text;
    if (text.size() <= kMaxTextChars)
        return;
    const qsizetype total = text.size();
    text = cutText(text, kMaxTextChars);
    text.squeeze(); // give the rest of the long text back now, not when the row goes
    issue(out, QStringLiteral("%1 characters; only the first %2 are kept (the most a sample keeps; "
                              "a model reads at most its text length in tokens)")
                   .arg(total).arg(text.size()),
          QLatin1String(field), path);
}

void ManifestRowChecker::checkLabel(CheckedRow *out, const RawField &label) const
{
    SampleRecord &s = out->sample;
    if (label.kind == RawField::Kind::String || label.kind == RawField::Kind::Number) {
        const QString trimmed = label.text.trimmed();
        if (trimmed.isEmpty()) {
            // Silently unlabeled, such a sample would vanish from training without a word.
            issue(out, label.text.isEmpty() ? QStringLiteral("empty label; sample kept unlabeled")
                                            : QStringLiteral("label is only whitespace; sample kept unlabeled"),
                  QStringLiteral("label"));
            return;
        }
        s.label = normalisedLabel(trimmed, label.kind == RawField::Kind::Number);
    } else if (label.kind == RawField::Kind::Object) {
        // Named regression targets; whether the task allows them is decided over all rows.
        s.labelFields = label.json.toObject();
        if (s.labelFields.isEmpty())
            issue(out, QStringLiteral("is an empty object; sample kept unlabeled"), QStringLiteral("label"));
    } else if (label.kind == RawField::Kind::Array) {
        // A set of tags (multilabel); blank or non-string entries are named and dropped.
        const QJsonArray tags = label.json.toArray();
        QSet<QString> seen; // a set, so that a row of many tags stays linear
        for (int i = 0; i < tags.size(); ++i) {
            const QString tag = tags.at(i).isString() ? tags.at(i).toString().trimmed() : QString();
            if (tag.isEmpty())
                issue(out, QStringLiteral("tag %1 is %2, not a tag name; ignored")
                               .arg(i + 1).arg(tags.at(i).isString() ? QStringLiteral("empty") : QStringLiteral("not a string")),
                      QStringLiteral("label"));
            else if (!seen.contains(tag)) {
                seen.insert(tag);
                s.labelTags << tag;
            }
        }
        if (s.labelTags.isEmpty())
            issue(out, QStringLiteral("is an empty tag set; sample kept unlabeled"), QStringLiteral("label"));
    } else if (given(label)) {
        issue(out, QStringLiteral("must be a string, a number, an object of numbers or a list of tags, not %1; sample kept unlabeled")
                       .arg(kindName(label.kind)),
              QStringLiteral("label"));
    }
}

void ManifestRowChecker::checkMeta(CheckedRow *out, RawField &meta) const
{
    if (m_csv && meta.kind == RawField::Kind::String) {
        // A CSV cell holds the meta object as JSON text.
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(meta.text.toUtf8(), &error);
        if (!doc.isObject()) {
            issue(out, QStringLiteral("not a JSON object (%1); ignored")
                           .arg(error.error != QJsonParseError::NoError ? error.errorString()
                                                                       : QStringLiteral("not an object")),
                  QStringLiteral("meta"));
            return;
        }
        out->sample.meta = doc.object();
        return;
    }
    if (meta.kind == RawField::Kind::Object)
        out->sample.meta = meta.json.toObject();
    else if (given(meta))
        issue(out, QStringLiteral("must be a JSON object, not %1; ignored").arg(kindName(meta.kind)), QStringLiteral("meta"));
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
        issue(out, QStringLiteral("must be a string or number, not %1; using \"%2\"").arg(kindName(idField.kind), out->id),
              QStringLiteral("id"));

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
                issue(out, QStringLiteral("empty text; text dropped"), QStringLiteral("text"));
        } else {
            s.text = text.text;
            capText(out, "text", {});
        }
    } else if (given(text)) {
        issue(out, QStringLiteral("must be a string, not %1; text dropped").arg(kindName(text.kind)), QStringLiteral("text"));
    }
    if (s.text.isEmpty())
        s.text = readTextFile(out, textFile, &s.textFile);
    else if (given(textFile) && textFile.kind != RawField::Kind::String)
        issue(out, QStringLiteral("must be a path string, not %1; ignored (the inline text is used)").arg(kindName(textFile.kind)),
              QStringLiteral("text_file"));

    s.imagePath = resolveMedia(out, "image", row[int(ManifestField::Image)]);
    s.audioPath = resolveMedia(out, "audio", row[int(ManifestField::Audio)]);
    if (!s.hasText() && !s.hasImage() && !s.hasAudio()) {
        issue(out, QStringLiteral("no usable modality (text, image or audio); sample skipped"));
        return;
    }

    checkLabel(out, row[int(ManifestField::Label)]);

    const RawField &split = row[int(ManifestField::Split)];
    std::optional<Split> named;
    const bool splitGiven = given(split) && !(split.kind == RawField::Kind::String && split.text.trimmed().isEmpty());
    if (splitGiven) {
        if (split.kind == RawField::Kind::String)
            named = splitFromName(split.text);
        if (!named)
            issue(out, QStringLiteral("unknown split \"%1\" (expected train, val or test); using the hash split")
                           .arg(split.kind == RawField::Kind::String ? split.text : QString(kindName(split.kind))),
                  QStringLiteral("split"));
    }
    s.split = named ? *named : splitFromId(out->id);
    s.splitFromHash = !named;

    checkMeta(out, row[int(ManifestField::Meta)]);
    out->keep = true;
}
