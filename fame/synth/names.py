"""Names for made-up people, most common first, and a nickname table.

The lists are ordered by rough popularity; ``WeightedNames`` gives the head of
each list a large share (a Zipf-like curve) so that, as in real registers, many
children share a common name and name-and-birthday collisions happen.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate


def _names(text: str) -> tuple[str, ...]:
    """Whitespace-separated names, first occurrence kept (underscores stand for spaces)."""
    return tuple(dict.fromkeys(name.replace("_", " ") for name in text.split()))


GIRLS = _names("""
    Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Willow Freya Florence
    Emily Ella Poppy Evie Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe Sophie Alice Harper
    Matilda Ruby Emilia Maya Millie Isabelle Eva Luna Jessica Arabella Elizabeth Maisie Aria
    Esme Penelope Ellie Harriet Bonnie Layla Mila Violet Aurora Eliza Thea Lottie Erin Maeve
    Hannah Ada Imogen Nancy Molly Scarlett Orla Darcie Lucy Margot Rose Zara Georgia Bella
    Holly Ayla Lyla Robyn Beatrice Amber Edith Emma Iris Clara Lola Heidi Hazel Myla Nova
    Amelie Annabelle Chloe Anna Jasmine Mabel Aisha Fatima Maryam Zainab Hafsa Khadija Amira
    Ayesha Inaya Hana Anaya Aleena Zoya Sara Nadia Leila Yasmin Priya Anika Saanvi Aanya Kiara
    Riya Simran Harleen Amara Adaeze Chiamaka Ifeoma Temitope Zuzanna Julia Lena Maja Oliwia
    Katherine Catherine Alexandra Victoria Rebecca Abigail Samantha Stephanie Jennifer Georgina
    Josephine Madeleine Natasha Eleanor Megan Lauren Bethany Leah Niamh Caitlin Aoife Ciara
    Siobhan Eilidh Rhiannon Ffion Seren Cerys Gwen Tilly Martha Lydia Naomi Ruth Esther Abby
    Maddison Paige Jade Courtney Shannon Kayleigh Demi Tia Keira Summer Skye Autumn Delilah
    Gracie Elodie Lilly Mollie Nell Pearl Primrose Wren Juniper Aurelia Cora Hope Faith Tabitha
    Verity Felicity Annie Jessie Kate Katie Lexi Lacey Macie Mya Orlaith Sadie Tallulah Zoe
    Zofia Alina Amina Anya Bianca Carmen Dalia Elena Farah Gabriella Ines Kamila Lara Mariam
    Noor Rania Safa Sana Tamara Wiktoria Natalia Alexa Alicia Ariana Brooke Darcey Eden Elise
    Emmeline Esme Fern Frankie Gemma Heather India Kaitlyn Lilah Lucia Madison Maria Mary Nina
    Olive Rachel Sarah Serena Stella Tiana Valentina Winter Margaret Harmony Marnie Connie
    Kitty Hattie Betsy Dolly Peggy Audrey Vera Iona Cleo Nia Ebony Jodie Kirsty Leanne Amelia
""")

BOYS = _names("""
    Noah Muhammad Oliver George Leo Arthur Oscar Theodore Freddie Archie Theo Henry Charlie
    Finley Alfie Jack Teddy Lucas Thomas Tommy Albert Jude Edward Roman Reuben Isaac Arlo Harry
    Hugo Ezra Jacob Ronnie Elijah Joshua James Louie Rory Alexander Max Sebastian Jaxon Mohammed
    Reggie Luca Ralph Frankie William Daniel Toby Dylan Louis Benjamin Ethan Mason Harrison
    Joseph Samuel Ellis Jesse Ollie Rowan Grayson Hunter Nathan Caleb Otis Kai Tobias Ryan
    Logan Rupert Stanley Felix Bobby Jasper Zachary Austin Chester Dexter Elliot Gabriel Jenson
    Ezekiel Michael Matthew Christopher Jonathan Nicholas Robert Anthony Frederick Alfred
    Archibald Nathaniel Maximilian Maxwell Timothy Ronald Patrick Lewis Callum Connor Liam
    Kieran Declan Aidan Owen Rhys Evan Ieuan Gethin Cai Osian Tomos Hamish Angus Fraser Euan
    Adam Aaron Ben Blake Bradley Brandon Cameron Charles Cole Curtis Darius Eli Elliott Ewan
    Finn Flynn Francis Gideon Hayden Hector Jamie Jay Jayden Jensen Joel Jonah Kayden Kian
    Lennon Leon Levi Lincoln Marcus Miles Milo Myles Nico Niall Oakley Orson Otto Parker
    Phoenix Quentin Raphael Reece Riley Robin Ronan Rufus Sonny Spencer Stefan Tyler Victor
    Vincent Wilfred Xavier Zac Zane Ahmed Ali Ibrahim Yusuf Omar Hamza Ayaan Zayn Zayan Ismail
    Musa Idris Hassan Bilal Rayyan Aryan Arjun Rohan Vihaan Krish Dev Harjot Jaskaran Ranveer
    Kwame Kofi Chidi Emeka Oluwaseun Tobi Tunde Jakub Kacper Szymon Filip Antoni Mateusz Oskar
    Dawid Wiktor Luka Mateo Rafael Diego Andrei Mihai Harvey Jake Kyle Lee Luke Nathaniel
    Alex Harley Tristan Bertie Monty Ned Percy Wilbur Arran Brodie Cody Dominic Edwin Ellis
    Gregory Isaiah Jasper Kenzo Laurence Morgan Oisin Pierce Rocco Seth Sidney Solomon Vinnie
""")

FAMILY_NAMES = _names("""
    Smith Jones Williams Taylor Davies Evans Thomas Johnson Roberts Walker Wright Robinson
    Thompson White Hughes Edwards Hall Wood Harris Lewis Martin Jackson Clarke Clark Turner
    Hill Scott Cooper Morris Ward Moore King Watson Baker Harrison Morgan Patel Young Allen
    Mitchell James Anderson Phillips Lee Bell Parker Davis Hussain Khan Ali Begum Ahmed Shah
    Singh Campbell Kelly Collins Stewart Adams Carter Shaw Cook Bailey Richardson Murray
    Chapman Cox Marshall Graham Mills Lloyd Hunt Reid Griffiths Fisher Rogers Ellis Holmes
    Gibson Russell Knight Grant Hamilton Price Palmer Murphy Mason Stevens Walsh Dixon Kennedy
    Matthews Webb Simpson Owen Butler Fletcher Pearson Gray Jenkins Barnes Richards Foster
    Powell Hunter Lawrence Harvey Chambers Wells Reynolds Saunders Payne Holland Ford Hart Rose
    Spencer Fox Stone Lane Dean Ryan Andrews Wallace Atkinson Burton Pearce Day Howard Cole
    West Berry Hudson Mann Tucker Wheeler Bradley Barker Perry Newman Lowe Jordan Riley Sutton
    Cunningham Stevenson Bennett Ross Woods Gordon Arnold Hayes Porter Rahman Miah Islam Uddin
    Akhtar Iqbal Mahmood Malik Mirza Qureshi Siddiqui Chowdhury Sharma Kumar Mistry Parmar
    Joshi Chauhan Solanki Bhatt Desai Nowak Kowalski Wisniewski Wojcik Kaminski Lewandowski
    Zielinski Szymanski Dabrowski Popescu Ionescu Okafor Okoro Adeyemi Adebayo Mensah Asante
    Osei Boateng Nwosu Eze Obi Nguyen Tran Chen Wang Zhang Liu Yang Wong Lim Tan O'Brien
    O'Connor O'Neill O'Sullivan McCarthy McDonald MacDonald McKenzie MacLeod Robertson Thomson
    Paterson Fraser Henderson Morrison Duncan Ferguson Sinclair Douglas Cameron Rees Pritchard
    Bowen Howells Llewellyn Parry Harding Hammond Holt Francis Dawson Gardner Barrett Hobbs
    Dunn Bird Hopkins Cartwright Pickering Whitehead Sharp Fowler Kemp Sanderson Frost Moss
    Lambert Kerr Booth Little Howe Norton Chadwick Hartley Brooks Sims Knowles Hewitt Briggs
    Lord Slater Buckley Barlow Kirk Fleming Nash Bates Steele Cross Walton Blake Quinn Hanson
    Sykes Naylor Horton Gregory Rowe Leach Bryant Armstrong Garner Reeves Lynch
    Parsons Charlton Weston Dale Potter Field Bishop Clements Page Ashton Winter Hodgson
    Farrell Hurst Summers Hale Rhodes Greenwood Ball Pollard Coates Dyer Marsden Holden
    Goodwin Kaye Weaver Middleton Coleman Ingram Lowry Rigby Crawford Goddard Nicholls Finch
    Hilton Preston Baxter Birch Whittaker Crossley Haigh Ashworth Blackburn Barton Pratt
    Hirst Stott Gallagher Doherty Kavanagh Brennan Duffy Flynn Regan Kaur Rai Sandhu Dhillon
    Bains Grewal Sidhu Hayward Faulkner Lister Sutcliffe Pilling Dobson Tate Wilkinson
    Lamb Moran Rowley Yates Brady Burke Blackwell Ramsey Conway Waters Beck Caldwell Poole
    Greaves Bentley Oakley Swift Tyler Willis Osborne Peacock Ibrahim Hassan Mohamed Yusuf
    Abdi Warsame Farah Omar Haddad Demir Yilmaz Kaya Papadopoulos Costa Silva Santos Ferreira
    Rossi Russo Romano Kovacs Horvat Petrov Ivanova Muller Weber Schmidt Jansen Dubois Moreau
""")

# Adults' names, for practitioners: the generation before the children's.
ADULT_GIVEN = _names("""
    Sarah Emma Claire Rachel Helen Laura Nicola Lisa Amanda Joanne Rebecca Michelle Kelly
    Victoria Kate Louise Gemma Hayley Anna Natalie Stephanie Jennifer Catherine Lucy Zoe
    Samantha Leanne Donna Alison Fiona Ruth Jane Angela Tracey Shabana Nasreen Priya Sunita
    Grace Funmi Ngozi Agnieszka Joanna Mark David Richard Steven Ian Simon Matthew Christopher
    Michael James Jonathan Neil Gary Stuart Craig Darren Lee Daniel Adam Martin Gareth Rhys
    Tom Ben Sam Alex Imran Tariq Rajesh Sanjay Kwabena Olumide Piotr Tomasz Jamie Chris
""")

NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Will", "Bill", "Billy", "Liam"),
    "Elizabeth": ("Beth", "Betty", "Lizzie", "Eliza"),
    "Alexander": ("Alex", "Xander", "Sandy"),
    "Alexandra": ("Alex", "Lexi", "Sasha"),
    "Katherine": ("Kate", "Katie", "Kat"),
    "Catherine": ("Cath", "Kate", "Cathy"),
    "Thomas": ("Tom", "Tommy"),
    "Jessica": ("Jess", "Jessie"),
    "Daniel": ("Dan", "Danny"),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Robert": ("Bob", "Bobby", "Robbie", "Bert"),
    "Samuel": ("Sam", "Sammy"),
    "Samantha": ("Sam", "Sammie"),
    "Olivia": ("Liv", "Livvy", "Ollie"),
    "James": ("Jim", "Jamie", "Jimmy"),
    "Joseph": ("Joe", "Joey"),
    "Benjamin": ("Ben", "Benji"),
    "Matthew": ("Matt", "Matty"),
    "Christopher": ("Chris", "Kit"),
    "Jonathan": ("Jon", "Jonny"),
    "Nicholas": ("Nick", "Nicky"),
    "Michael": ("Mike", "Mikey", "Mick"),
    "Edward": ("Ed", "Eddie", "Ted", "Teddy"),
    "Henry": ("Harry", "Hal"),
    "Charlotte": ("Lottie", "Charlie"),
    "Rebecca": ("Becky", "Becca"),
    "Abigail": ("Abby", "Abi"),
    "Victoria": ("Vicky", "Tori"),
    "Isabella": ("Bella", "Izzy"),
    "Isabelle": ("Izzy", "Belle"),
    "Amelia": ("Millie", "Mia"),
    "Emily": ("Em", "Emmy"),
    "Eleanor": ("Ellie", "Nell", "Nora"),
    "Florence": ("Flo", "Florrie"),
    "Frederick": ("Fred", "Freddie"),
    "Theodore": ("Theo", "Teddy"),
    "Nathaniel": ("Nat", "Nate"),
    "Zachary": ("Zac", "Zach"),
    "Joshua": ("Josh",),
    "Jacob": ("Jake",),
    "Gabriel": ("Gabe",),
    "Harrison": ("Harry",),
    "Anthony": ("Tony", "Ant"),
    "Stephanie": ("Steph",),
    "Jennifer": ("Jen", "Jenny"),
    "Sophia": ("Sophie",),
    "Georgina": ("Georgie", "Gina"),
    "Josephine": ("Jo", "Josie"),
    "Matilda": ("Tilly", "Tilda"),
    "Alfred": ("Alfie", "Alf"),
    "Archibald": ("Archie",),
    "Penelope": ("Penny",),
    "Patrick": ("Paddy",),
    "Ronald": ("Ron", "Ronnie"),
    "Timothy": ("Tim", "Timmy"),
    "Elijah": ("Eli",),
    "Maximilian": ("Max",),
    "Maxwell": ("Max",),
    "Oliver": ("Ollie", "Olly"),
    "Evelyn": ("Evie",),
    "Harriet": ("Hattie", "Hetty"),
    "Madeleine": ("Maddie",),
    "Natasha": ("Tasha",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Gabriella": ("Gabby", "Ella"),
    "Arabella": ("Bella", "Belle"),
    "Sebastian": ("Seb",),
    "Dominic": ("Dom",),
    "Gregory": ("Greg",),
    "Stanley": ("Stan",),
    "Reuben": ("Rube",),
    "Annabelle": ("Annie", "Belle"),
}


class WeightedNames:
    """Draws names with Zipf-like weights: the k-th name weighs 1 / (k + offset)."""

    def __init__(self, names: Sequence[str], offset: float) -> None:
        self.names = tuple(names)
        self._cumulative = list(accumulate(1.0 / (rank + offset) for rank in range(len(names))))
        self._total = self._cumulative[-1]

    def draw(self, rng: random.Random) -> str:
        return self.names[bisect(self._cumulative, rng.random() * self._total)]

    def draw_other_than(self, rng: random.Random, avoid: Sequence[str]) -> str:
        """A name not in ``avoid`` (brothers and sisters do not share a given name)."""
        for _ in range(50):
            name = self.draw(rng)
            if name not in avoid:
                return name
        return rng.choice([name for name in self.names if name not in avoid])

    def draw_same_initial(self, rng: random.Random, initial: str, avoid: Sequence[str]) -> str:
        """A name starting with ``initial`` if there is one (twins are often named alike)."""
        options = [name for name in self.names if name[0] == initial and name not in avoid]
        return rng.choice(options) if options else self.draw_other_than(rng, avoid)


GIVEN_NAMES: dict[str, WeightedNames] = {
    "F": WeightedNames(GIRLS, offset=8),
    "M": WeightedNames(BOYS, offset=8),
}
SURNAMES = WeightedNames(FAMILY_NAMES, offset=10)
PRACTITIONER_NAMES = WeightedNames(ADULT_GIVEN, offset=20)
