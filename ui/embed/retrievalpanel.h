#pragma once

#include "core/data/dataset.h"
#include "ui/embed/embedresults.h"

#include <QtWidgets/QWidget>

#include <memory>

class NoteLabel;
class QComboBox;
class QLineEdit;
class QPushButton;
class QVBoxLayout;
class RetrievalHitRow;
class ThumbnailLoader;

/**
 * Cross-modal search beside the map: ask with a sample (a click on the map), a typed caption
 * or a dropped image or audio file, and see the nearest samples in each other modality with
 * thumbnails, scores and Play buttons; a click on one opens it in Inspect. The search itself
 * runs on EmbedController's worker. GUI thread.
 */
class RetrievalPanel final : public QWidget
{
    Q_OBJECT
public:
    RetrievalPanel(ThumbnailLoader *thumbnails, QWidget *parent = nullptr);

    /** The attached model and dataset (hit indices refer to it); nullptr clears the panel. */
    void setModel(const EmbedModelInfo &info, std::shared_ptr<const Dataset> dataset);
    /** Asks with this sample's modality chosen under "Ask with" (its first present one when it lacks that). */
    void askWithSample(int datasetIndex);
    /** Asks with a file: its suffix says whether it is an image or a recording. */
    void askWithFile(const QString &path);
    void showAnswer(const RetrievalAnswer &answer);
    /** The rows of the last answer, target modality by target modality. */
    QList<RetrievalHitRow *> hitRows() const;

Q_SIGNALS:
    void queryRequested(const RetrievalQuery &query);
    /** A hit was clicked: show that sample (of the attached dataset) in Inspect. */
    void hitActivated(int datasetIndex);

protected:
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    void ask(const RetrievalQuery &query);
    void askWithText();
    void chooseFile();
    void clearHits();
    void onThumbnailReady(int key);

    ThumbnailLoader *m_thumbnails;
    std::shared_ptr<const Dataset> m_dataset;
    bool m_enabled = false;
    QComboBox *m_askWith;
    QLineEdit *m_text;
    QPushButton *m_search;
    QPushButton *m_file;
    NoteLabel *m_status;
    QWidget *m_results;
    QVBoxLayout *m_resultsLayout;
};
