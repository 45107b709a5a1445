#include "ui/data/thumbnailloader.h"

#include <QtGui/QImageReader>

namespace {

/** A request this many requests old belongs to rows the user has scrolled past. */
constexpr qint64 kMaxBacklog = 256;
constexpr qint64 kMaxPixels = 40'000'000;

} // namespace

ThumbnailLoader::ThumbnailLoader(QSize box, QObject *parent) : QObject(parent), m_box(box)
{
    m_pool.setMaxThreadCount(2);
    m_cache.setMaxCost(4000);
}

ThumbnailLoader::~ThumbnailLoader()
{
    m_liveGeneration->store(-1);
    m_pool.clear();
    m_pool.waitForDone();
}

QPixmap ThumbnailLoader::thumbnail(int key, const QString &path)
{
    if (QPixmap *cached = m_cache.object(key))
        return *cached;
    if (path.isEmpty() || m_pending.contains(key) || m_failed.contains(key))
        return {};
    m_pending.insert(key);

    const qint64 ticket = ++*m_requests;
    const int generation = m_generation;
    auto live = m_liveGeneration;
    auto requests = m_requests;
    const QSize box = m_box;
    // Newer requests first: the rows on screen now matter more than those a scroll ago.
    m_pool.start(QRunnable::create([this, key, path, box, ticket, generation, live, requests] {
                     if (live->load() != generation)
                         return;
                     const bool stale = requests->load() - ticket > kMaxBacklog;
                     const QImage image = stale ? QImage() : readScaled(path, box);
                     QMetaObject::invokeMethod(
                         this, [this, generation, key, image, stale] { deliver(generation, key, image, stale); },
                         Qt::QueuedConnection);
                 }),
                 int(ticket % 1'000'000'000));
    return {};
}

void ThumbnailLoader::clear()
{
    ++m_generation;
    m_liveGeneration->store(m_generation);
    m_pool.clear();
    m_cache.clear();
    m_pending.clear();
    m_failed.clear();
}

void ThumbnailLoader::deliver(int generation, int key, const QImage &image, bool skipped)
{
    if (generation != m_generation)
        return;
    m_pending.remove(key);
    if (skipped)
        return; // asked again if the row scrolls back into view
    if (image.isNull()) {
        m_failed.insert(key);
        return;
    }
    m_cache.insert(key, new QPixmap(QPixmap::fromImage(image)));
    Q_EMIT thumbnailReady(key);
}

QImage ThumbnailLoader::readScaled(const QString &path, QSize box)
{
    QImageReader reader(path);
    reader.setAutoTransform(true);
    const QSize size = reader.size();
    if (size.isValid() && qint64(size.width()) * size.height() > kMaxPixels)
        return {};
    // Only ever reduce: views enlarge small images themselves, by whole pixels.
    if (size.isValid() && (size.width() > box.width() || size.height() > box.height()))
        reader.setScaledSize(size.scaled(box, Qt::KeepAspectRatio)); // JPEG decodes at reduced size
    QImage image = reader.read();
    if (image.isNull())
        return {};
    if (image.width() > box.width() || image.height() > box.height())
        image = image.scaled(box, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    return image;
}
