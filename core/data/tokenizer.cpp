#include "core/data/tokenizer.h"

#include "core/data/sentencepiecelibrary.h"
#include "core/data/textcheck.h"

#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QSaveFile>

#include <algorithm>
#include <cstring>

namespace {

// Training reads at most this much of each text; SentencePiece is told to accept it all.
constexpr int kTrainSentenceBytes = 4096;
constexpr int kMaxSentenceBytes = 2 * kTrainSentenceBytes;
// pieces() and tokenCount() look this far: further than any text length T in use.
constexpr int kMaxCountedTokens = 1024;

/** Options fixed for every model: a change here changes every id a saved model produces. */
QByteArray trainingOptions(int vocabSize)
{
    // identity normalisation: decode(encode(x)) == x, and the GUI shows the user's own
    // characters (NFKC would turn a Chinese full-width "？" into "?").
    // No sampling and one thread: the same texts give a byte-identical model.
    return QStringLiteral("--model_type=unigram --vocab_size=%1 --hard_vocab_limit=false"
                          " --pad_id=0 --unk_id=1 --bos_id=-1 --eos_id=-1"
                          " --character_coverage=0.9995 --byte_fallback=false"
                          " --normalization_rule_name=identity --split_by_whitespace=true"
                          " --num_threads=1 --input_sentence_size=0"
                          " --shuffle_input_sentence=false --max_sentence_length=%2")
        .arg(vocabSize)
        .arg(kMaxSentenceBytes)
        .toUtf8();
}

/** The start of `text` that decides its first `maxTokens` pieces. A piece spans at most 16
 *  characters (SentencePiece's max_piece_length) and never crosses a space, so a cut at a
 *  space past 16 characters a token changes none of them (the window looks for one in the
 *  256 characters after that); a text without spaces (Chinese)
 *  is cut at a character, which can at most re-split the last piece or two before the cut.
 *  Encoding only this keeps a 5 MB text as cheap as a caption: SentencePiece's own cost
 *  grows faster than the length (it merges a run of unknown characters by copying). */
QStringView window(const QString &text, int maxTokens)
{
    const qsizetype enough = qsizetype(maxTokens) * 16;
    const qsizetype limit = enough + 256;
    if (text.size() <= limit)
        return text;
    qsizetype cut = limit;
    for (qsizetype i = limit; i > enough; --i) {
        if (text.at(i).isSpace()) {
            cut = i;
            break;
        }
    }
    if (text.at(cut - 1).isHighSurrogate())
        --cut;
    return QStringView(text).left(cut);
}

/** A training sentence: at most kTrainSentenceBytes, cut at a space when there is one in the
 *  second half, else at a character. SentencePiece would skip a longer one whole (with a
 *  warning on stderr), and its trainer's memory grows with the longest sentence. */
QByteArray trainingSentence(QByteArray utf8)
{
    if (utf8.size() <= kTrainSentenceBytes)
        return utf8;
    qsizetype cut = qsizetype(utf8PrefixLength(utf8.constData(), std::size_t(utf8.size()), kTrainSentenceBytes));
    const qsizetype space = utf8.lastIndexOf(' ', cut - 1);
    if (space > cut / 2)
        cut = space;
    utf8.truncate(cut);
    return utf8;
}

/** Identity normalisation keeps tabs and newlines; make every kind of space one space. */
QByteArray normalisedUtf8(QStringView text)
{
    QString out = text.toString();
    for (QChar &c : out) {
        if (c.isSpace())
            c = QLatin1Char(' ');
    }
    return out.toUtf8();
}

/** The model's ids for text; false if SentencePiece failed (it does not on valid UTF-8). */
bool encodeIds(const FsSpModel *model, QStringView text, std::vector<int32_t> *ids)
{
    const SentencePieceLibrary &library = SentencePieceLibrary::instance();
    const QByteArray utf8 = normalisedUtf8(text);
    int32_t *raw = nullptr;
    size_t count = 0;
    char *message = nullptr;
    if (library.encodeIds(model, utf8.constData(), size_t(utf8.size()), &raw, &count, &message) != 0) {
        library.free(message);
        return false;
    }
    ids->assign(raw, raw + count);
    library.free(raw);
    return true;
}

void setError(QString *error, const QString &message)
{
    if (error)
        *error = message;
}

} // namespace

class Tokenizer::Model
{
public:
    Model(FsSpModel *handle, std::string bytes) : m_handle(handle), m_bytes(std::move(bytes)) {}
    ~Model() { SentencePieceLibrary::instance().destroy(m_handle); }
    Model(const Model &) = delete;
    Model &operator=(const Model &) = delete;

    FsSpModel *m_handle;
    std::string m_bytes;
};

Tokenizer::Tokenizer() = default;
Tokenizer::~Tokenizer() = default;
Tokenizer::Tokenizer(Tokenizer &&) noexcept = default;
Tokenizer &Tokenizer::operator=(Tokenizer &&) noexcept = default;

bool Tokenizer::train(const QStringList &texts, int vocabSize, QString *error)
{
    const SentencePieceLibrary &library = SentencePieceLibrary::instance();
    if (!library.isLoaded()) {
        setError(error, library.errorString());
        return false;
    }
    if (vocabSize < 3) {
        setError(error, QStringLiteral("vocabulary size %1 is too small: it must hold <pad>, <unk>"
                                       " and at least one character").arg(vocabSize));
        return false;
    }
    std::vector<QByteArray> sentences;
    for (const QString &text : texts) {
        QByteArray utf8 = trainingSentence(normalisedUtf8(text).trimmed());
        if (!utf8.isEmpty())
            sentences.push_back(std::move(utf8));
    }
    if (sentences.empty()) {
        setError(error, QStringLiteral("cannot train a tokenizer: none of the %1 training texts"
                                       " holds anything but whitespace").arg(texts.size()));
        return false;
    }
    std::vector<const char *> data;
    std::vector<size_t> lengths;
    for (const QByteArray &s : sentences) {
        data.push_back(s.constData());
        lengths.push_back(size_t(s.size()));
    }

    // hard_vocab_limit=false already lets a tiny corpus end with fewer pieces; should
    // SentencePiece still refuse the size, it names the largest it accepts: retry with that.
    static const QRegularExpression tooHigh(QStringLiteral("Please set it to a value <= (\\d+)"));
    static const QRegularExpression tooLow(
        QStringLiteral("smaller than required_chars\\. (\\d+) vs (\\d+)"));
    int size = vocabSize;
    for (int attempt = 0; attempt < 4; ++attempt) {
        char *model = nullptr;
        size_t modelSize = 0;
        char *message = nullptr;
        const QByteArray options = trainingOptions(size);
        if (library.train(data.data(), lengths.data(), data.size(), options.constData(), &model,
                          &modelSize, &message) == 0)
            return loadFromBytes(library.take(model, modelSize), error);
        const QString why = library.takeError(message);
        const QRegularExpressionMatch high = tooHigh.match(why);
        const int accepted = high.hasMatch() ? high.captured(1).toInt() : 0;
        if (accepted >= 3 && accepted < size) {
            size = accepted;
            continue;
        }
        const QRegularExpressionMatch low = tooLow.match(why);
        if (low.hasMatch()) {
            setError(error, QStringLiteral("vocabulary size %1 is too small for these texts: their"
                                           " characters plus <pad> and <unk> need at least %2")
                                .arg(size).arg(low.captured(2)));
        } else {
            setError(error, QStringLiteral("SentencePiece training failed: %1").arg(why));
        }
        return false;
    }
    setError(error, QStringLiteral("SentencePiece training failed: it kept refusing the vocabulary"
                                   " size (last tried %1)").arg(size));
    return false;
}

bool Tokenizer::load(const QString &modelPath, QString *error)
{
    QFile file(modelPath);
    if (!file.open(QIODevice::ReadOnly)) {
        setError(error, QStringLiteral("cannot open tokenizer model %1: %2")
                            .arg(modelPath, file.errorString()));
        return false;
    }
    const QByteArray bytes = file.readAll();
    if (bytes.isEmpty()) {
        setError(error, QStringLiteral("tokenizer model %1 is empty").arg(modelPath));
        return false;
    }
    QString why;
    if (!loadFromBytes(bytes.toStdString(), &why)) {
        setError(error, QStringLiteral("%1: %2").arg(modelPath, why));
        return false;
    }
    return true;
}

bool Tokenizer::loadFromBytes(const std::string &serializedModel, QString *error)
{
    const SentencePieceLibrary &library = SentencePieceLibrary::instance();
    if (!library.isLoaded()) {
        setError(error, library.errorString());
        return false;
    }
    if (serializedModel.empty()) {
        setError(error, QStringLiteral("not a SentencePiece model: no bytes"));
        return false;
    }
    char *message = nullptr;
    FsSpModel *handle = library.load(serializedModel.data(), serializedModel.size(), &message);
    if (!handle) {
        const QString why = library.takeError(message);
        setError(error, why.contains(QLatin1String("ParseFromArray"))
                            ? QStringLiteral("not a SentencePiece model: the bytes do not parse as one")
                            : QStringLiteral("not a SentencePiece model: %1").arg(why));
        return false;
    }
    auto model = std::make_unique<Model>(handle, serializedModel);
    // Ids 0 and 1 are baked into every trained network; a SentencePiece model with another
    // layout (its default puts <unk> at 0) would silently scramble them.
    int padId = -1;
    int unkId = -1;
    library.specialIds(handle, &padId, &unkId);
    if (padId != kPadId || unkId != kUnknownId) {
        setError(error, QStringLiteral("SentencePiece model has <pad> at id %1 and <unk> at id %2;"
                                       " FusionScope needs them at %3 and %4")
                            .arg(padId).arg(unkId).arg(kPadId).arg(kUnknownId));
        return false;
    }
    m_model = std::move(model);
    return true;
}

bool Tokenizer::save(const QString &modelPath, QString *error) const
{
    if (!m_model) {
        setError(error, QStringLiteral("cannot save tokenizer to %1: no model trained or loaded")
                            .arg(modelPath));
        return false;
    }
    QSaveFile file(modelPath);
    if (!file.open(QIODevice::WriteOnly)
        || file.write(m_model->m_bytes.data(), qint64(m_model->m_bytes.size()))
               != qint64(m_model->m_bytes.size())
        || !file.commit()) {
        setError(error, QStringLiteral("cannot write tokenizer model %1: %2")
                            .arg(modelPath, file.errorString()));
        return false;
    }
    return true;
}

bool Tokenizer::isLoaded() const
{
    return m_model != nullptr;
}

std::string Tokenizer::serialized() const
{
    return m_model ? m_model->m_bytes : std::string();
}

int Tokenizer::vocabSize() const
{
    return m_model ? SentencePieceLibrary::instance().pieceCount(m_model->m_handle) : 0;
}

std::vector<std::int64_t> Tokenizer::encode(const QString &text, int maxLength) const
{
    std::vector<std::int64_t> ids(size_t(std::max(maxLength, 0)), kPadId);
    std::vector<int32_t> raw;
    if (!m_model || maxLength <= 0 || !encodeIds(m_model->m_handle, window(text, maxLength), &raw))
        return ids;
    std::copy_n(raw.begin(), std::min(raw.size(), ids.size()), ids.begin());
    return ids;
}

int Tokenizer::tokenCount(const QString &text) const
{
    std::vector<int32_t> raw;
    if (!m_model || !encodeIds(m_model->m_handle, window(text, kMaxCountedTokens), &raw))
        return 0;
    return int(raw.size());
}

QStringList Tokenizer::pieces(const QString &text) const
{
    QStringList out;
    if (!m_model)
        return out;
    const SentencePieceLibrary &library = SentencePieceLibrary::instance();
    const QByteArray utf8 = normalisedUtf8(window(text, kMaxCountedTokens));
    char *packed = nullptr;
    size_t packedSize = 0;
    size_t count = 0;
    char *message = nullptr;
    if (library.encodePieces(m_model->m_handle, utf8.constData(), size_t(utf8.size()), &packed,
                             &packedSize, &count, &message) != 0) {
        library.free(message);
        return out;
    }
    const std::string bytes = library.take(packed, packedSize);
    for (size_t at = 0; at + sizeof(uint32_t) <= bytes.size();) {
        uint32_t length = 0;
        std::memcpy(&length, bytes.data() + at, sizeof length);
        at += sizeof length;
        out << QString::fromUtf8(bytes.data() + at, qsizetype(std::min<size_t>(length, bytes.size() - at)));
        at += length;
    }
    return out;
}

QString Tokenizer::decode(const std::vector<std::int64_t> &ids) const
{
    if (!m_model)
        return {};
    const SentencePieceLibrary &library = SentencePieceLibrary::instance();
    const int size = library.pieceCount(m_model->m_handle);
    std::vector<int32_t> kept;
    kept.reserve(ids.size());
    for (std::int64_t id : ids) {
        if (id == kPadId)
            continue;
        kept.push_back(id > 0 && id < size ? int32_t(id) : int32_t(kUnknownId));
    }
    char *text = nullptr;
    size_t textSize = 0;
    char *message = nullptr;
    if (library.decode(m_model->m_handle, kept.data(), kept.size(), &text, &textSize, &message) != 0) {
        library.free(message);
        return {};
    }
    return QString::fromStdString(library.take(text, textSize));
}
