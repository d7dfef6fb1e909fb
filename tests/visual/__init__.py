"""Visual regression of the PDF handouts: reviewed reference images and the tools
to compare against them and to make them again (``python -m tests.visual.update``)."""
