#pragma once

#include <QtCore/QString>
#include <QtCore/QStringList>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

/**
 * SentencePiece (unigram) tokenizer trained on a dataset's training texts; works for any
 * language, Chinese included. Id 0 is padding, 1 is unknown. Not thread-safe while training
 * or loading; encode() is const and safe to call from several threads. SentencePiece runs in
 * a module loaded at first use; if it cannot be loaded, every call fails with a message.
 */
class Tokenizer
{
public:
    static constexpr std::int64_t kPadId = 0;
    static constexpr std::int64_t kUnknownId = 1;

    Tokenizer();
    ~Tokenizer();
    Tokenizer(Tokenizer &&) noexcept;
    Tokenizer &operator=(Tokenizer &&) noexcept;

    /** Trains on texts; vocabSize is an upper bound (small corpora get fewer pieces). */
    bool train(const QStringList &texts, int vocabSize, QString *error);
    bool load(const QString &modelPath, QString *error);
    bool loadFromBytes(const std::string &serializedModel, QString *error);
    bool save(const QString &modelPath, QString *error) const;

    bool isLoaded() const;
    /** The model as bytes, for embedding in an exported model file. */
    std::string serialized() const;
    int vocabSize() const;

    /** Ids padded with kPadId or truncated to maxLength; reads only the start of the text
        that decides those ids (about 16 characters a token), so its length costs nothing. */
    std::vector<std::int64_t> encode(const QString &text, int maxLength) const;
    /** Unpadded piece count, for choosing a text length; counts at most about 1024. */
    int tokenCount(const QString &text) const;
    /** The pieces the text splits into (display: token shading in the GUI); a piece starting
        a word begins with U+2581 (▁), SentencePiece's marker for the preceding space. At most
        about the first 1024 pieces. */
    QStringList pieces(const QString &text) const;
    /** Skips kPadId; an id outside the vocabulary decodes as an unknown piece (" ⁇ "). */
    QString decode(const std::vector<std::int64_t> &ids) const;

private:
    /** A model inside the dlopen()ed SentencePiece module (see sentencepiecelibrary.h). */
    class Model;
    std::unique_ptr<Model> m_model;
};
