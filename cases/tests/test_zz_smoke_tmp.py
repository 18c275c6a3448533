import time
import pytest
from cases.tests.scenarios import case_in_state
from cases.models import Finding
from cases.documents import decision_context, decision_pdf, decision_docx
import json

@pytest.mark.django_db
def test_smoke(world):
    case = case_in_state(world, "executing", cadres=("pl-baofeng:township_deputy:0", "pl-baofeng:township_head:0"))
    Finding.objects.filter(subject__case=case).update(post_duties="负责分管领域安全生产监督管理工作，每季度至少组织一次安全检查。", conditions="配备专职安全员2名，检查经费有保障。", evidence="1. 事故调查报告（平安委〔2026〕5号）；\n2. 检查台账复印件；\n3. 谈话笔录。")
    ctx = decision_context(case)
    pass
    t = time.time(); pdf = decision_pdf(case); print("pdf", len(pdf), time.time() - t)
    t = time.time(); docx = decision_docx(case); print("docx", len(docx), time.time() - t)
    open("/tmp/zdoc/d.pdf", "wb").write(pdf); open("/tmp/zdoc/d.docx", "wb").write(docx)
