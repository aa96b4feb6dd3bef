# ruff: noqa: E501  (sample CSV rows are kept whole, as a spreadsheet would save them)
"""A small, hand-made set of import files covering every kind (synthetic, no real people)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

FILES: dict[str, str] = {
    "organisations": """ods_code,name,kind,valid_from,valid_to,successor_ods,postcode
5NK,Wirral PCT,Primary care trust,2002-04-01,31/03/2013,12F,
12F,NHS Wirral CCG,ccg,01/04/2013,,,
RBL,Wirral Hospital NHS Trust,acute_trust,,,,
RY7,Wirral Community NHS Trust,community_trust,,,,
N85001,Village Surgery,GP practice,,,,CH41 1AA
N85002,Riverside Practice,gp_practice,,,,CH41 2BB
""",
    "communities": """code,name,commissioner_ods,population,description,members
wirral,Wirral diabetes,5NK,"320,000",Synthetic test community,RBL; RY7; N85001; N85002
""",
    "conditions": """slug,name,code_system,codes,qof_register,description
diabetes,Diabetes,QOF register,DM017; DM018,DM017,
""",
    "people": """name,email,role_type,clinician,organisation_ods,communities
Ann Example,ann@example.org,Commissioning manager,no,5NK,
Bob Example,,gp,yes,N85001,wirral
""",
    "services": """name,provider_ods,setting,tier,start_date,conditions
Intermediate diabetes service,RY7,Community,intermediate tier,2011-04-01,diabetes
Diabetes outpatients,RBL,acute,,,diabetes
""",
    "contracts": """reference,title,commissioner_ods,provider_ods,payment_form,procurement_route,start_date,end_date,annual_value,services
WIR-001,Community diabetes,5NK,RY7,block,Competitive tender,2011-04-01,31/03/2014,"£1,250,000.50",Intermediate diabetes service
""",
    "incentives": """contract_reference,scheme,financial_year,percent,value,goals
WIR-001,CQUIN,2012,2.5,"31,250",Foot checks
""",
    "spend": """service,provider_ods,financial_year,amount
Intermediate diabetes service,RY7,2011,"1,180,000"
Intermediate diabetes service,RY7,2012,1200000
""",
    "indicators": """code,name,domain,unit,polarity,frequency,conditions,patient_counts
DM-ADM,Emergency admissions for diabetes,outcome,per 1000,Lower is better,monthly,diabetes,
""",
    "developments": """slug,title,status,size_of_change,start_date,go_live_date,parent_slug,conditions,services
diabetes-plan,Diabetes strategic plan,active,radical,2010-06-01,,,diabetes,
diabetes-redesign,Redesign of diabetes care,,moderate,2011-01-01,2011-04-01,diabetes-plan,diabetes,Intermediate diabetes service
""",
    "objectives": """development_slug,description,indicator_code,baseline_value,target_value,target_date
diabetes-redesign,Cut emergency admissions by a fifth,DM-ADM,12.5,10,2013-03-31
""",
    "activities": """date,title,kind,nature,stages,development_slug,outcome
14/09/2010,Clinical design workshop,meeting,relational,Planning and service design; scoping,diabetes-redesign,Agreed a model
2010-10-01,Needs analysis,analysis,technical,needs_assessment,,
""",
    "participants": """activity_date,activity_title,person,hours
2010-09-14,Clinical design workshop,Ann Example,3.5
2010-09-14,Clinical design workshop,Bob Example,2
""",
    "observations": """indicator_code,organisation_ods,community,service,service_provider_ods,period,value,numerator,denominator,target
DM-ADM,N85001,,,,2012-04-01,11.2,56,"5,000",
DM-ADM,N85001,,,,01/05/2012,-0.5,51,"5,000",
DM-ADM,,,Intermediate diabetes service,RY7,2012-04-01,9.5,,,10
""",
    "populations": """ods_code,date,age_band,sex,count
N85001,2012-04-01,65-69,female,"1,204"
N85001,2012-04-01,90+,Male,80
""",
    "registers": """ods_code,condition,period_end,register_size,list_size
N85001,diabetes,2012-03-31,512,"7,650"
""",
    "age_sex_registers": """ods_code,condition,period_end,age_band,sex,register_size
N85001,diabetes,2012-03-31,65-69,female,48
N85001,diabetes,2012-03-31,90+,Male,7
""",
    "groupings": """grouping_code,grouping_name,kind,valid_from,valid_to,member_ods
wirral-west,Wirral West locality,locality,2012-04-01,,N85001
""",
    "contract_lines": """contract_reference,line,name,point_of_delivery,treatment_function,currency,price,fixed
WIR-001,L1,Intermediate diabetes clinic contacts,COM,307,contact,"£45.50",no
""",
    "contract_plans": """contract_reference,line,month,planned_activity
WIR-001,L1,2012-04-01,"2,300"
WIR-001,L1,01/05/2012,2300
""",
    "contract_actuals": """contract_reference,line,month,actual_activity,actual_cost
WIR-001,L1,2012-04-01,"2,412",
""",
}

ROWS = {kind: text.strip().count("\n") for kind, text in FILES.items()}


def write(folder: Path, kinds=None, *, encoding: str = "utf-8") -> list[Path]:
    paths = []
    for kind in kinds or FILES:
        p = folder / f"{kind}.csv"
        p.write_bytes(FILES[kind].encode(encoding))
        paths.append(p)
    return paths


@pytest.fixture
def samples():
    """The sample files: ``samples.FILES``, ``samples.ROWS``, ``samples.write(folder)``."""
    return SimpleNamespace(FILES=FILES, ROWS=ROWS, write=write)
