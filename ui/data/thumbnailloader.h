#pragma once

#include <QtCore/QCache>
#include <QtCore/QObject>
#include <QtCore/QSet>
#include <QtCore/QSize>
#include <QtCore/QThreadPool>
#include <QtGui/QImage>
#include <QtGui/QPixmap>
#include <atomic>
#include <memory>

/**
 * Small previews for the sample table: decoded on a private QThreadPool only when a view
 * asks for a visible row, kept in a QCache. Lives on the GUI thread; the pool's tasks
 * hand results back through queued calls.
 */
class ThumbnailLoader final : public QObject
{
    Q_OBJECT
public:
    explicit ThumbnailLoader(QSize box, QObject *parent = nullptr);
    ~ThumbnailLoader() override;

    /** The cached thumbnail, or a null pixmap after scheduling its decode. */
    QPixmap thumbnail(int key, const QString &path);
    /** Forget everything (a new dataset): pending tasks' answers are dropped. */
    void clear();
    QSize box() const { return m_box; }

    /** Decodes `path`, reduced to fit `box` when larger (never enlarged). Any thread. */
    static QImage readScaled(const QString &path, QSize box);

Q_SIGNALS:
    void thumbnailReady(int key);

private:
    void deliver(int generation, int key, const QImage &image, bool skipped);

    QSize m_box;
    QThreadPool m_pool;
    QCache<int, QPixmap> m_cache;
    QSet<int> m_pending;
    QSet<int> m_failed;
    int m_generation = 0;
    // Read by pool tasks: lets a task notice it is stale (new dataset, or scrolled far past).
    std::shared_ptr<std::atomic_int> m_liveGeneration = std::make_shared<std::atomic_int>(0);
    std::shared_ptr<std::atomic<qint64>> m_requests = std::make_shared<std::atomic<qint64>>(0);
};
