-- The world app's own small dataset: the countries NLD, BEL, LUX, ISL, CHE, AND, their cities and languages,
-- taken from the MySQL world sample database (examples/world/src/test/resources/world_innodb.sql).
-- Same tables as the full dump (City, Country, CountryLanguage, latin1 as there), so the web tier runs on
-- either and either loads over the other (a foreign key needs the same charset on both sides).
-- Loaded by `world dbhelper` when no --sql is given. UTF-8.

SET NAMES utf8mb4;
SET FOREIGN_KEY_CHECKS=0;

CREATE DATABASE IF NOT EXISTS `world`;
USE `world`;

DROP TABLE IF EXISTS `City`;
DROP TABLE IF EXISTS `CountryLanguage`;
DROP TABLE IF EXISTS `Country`;

CREATE TABLE `Country` (
  `Code` char(3) NOT NULL DEFAULT '',
  `Name` char(52) NOT NULL DEFAULT '',
  `Continent` enum('Asia','Europe','North America','Africa','Oceania','Antarctica','South America') NOT NULL DEFAULT 'Asia',
  `Region` char(26) NOT NULL DEFAULT '',
  `SurfaceArea` float(10,2) NOT NULL DEFAULT '0.00',
  `IndepYear` smallint(6) DEFAULT NULL,
  `Population` int(11) NOT NULL DEFAULT '0',
  `LifeExpectancy` float(3,1) DEFAULT NULL,
  `GNP` float(10,2) DEFAULT NULL,
  `GNPOld` float(10,2) DEFAULT NULL,
  `LocalName` char(45) NOT NULL DEFAULT '',
  `GovernmentForm` char(45) NOT NULL DEFAULT '',
  `HeadOfState` char(60) DEFAULT NULL,
  `Capital` int(11) DEFAULT NULL,
  `Code2` char(2) NOT NULL DEFAULT '',
  PRIMARY KEY (`Code`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE `City` (
  `ID` int(11) NOT NULL AUTO_INCREMENT,
  `Name` char(35) NOT NULL DEFAULT '',
  `CountryCode` char(3) NOT NULL DEFAULT '',
  `District` char(20) NOT NULL DEFAULT '',
  `Population` int(11) NOT NULL DEFAULT '0',
  PRIMARY KEY (`ID`),
  KEY `CountryCode` (`CountryCode`),
  CONSTRAINT `city_ibfk_1` FOREIGN KEY (`CountryCode`) REFERENCES `Country` (`Code`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

CREATE TABLE `CountryLanguage` (
  `CountryCode` char(3) NOT NULL DEFAULT '',
  `Language` char(30) NOT NULL DEFAULT '',
  `IsOfficial` enum('T','F') NOT NULL DEFAULT 'F',
  `Percentage` float(4,1) NOT NULL DEFAULT '0.0',
  PRIMARY KEY (`CountryCode`,`Language`),
  KEY `CountryCode` (`CountryCode`),
  CONSTRAINT `countryLanguage_ibfk_1` FOREIGN KEY (`CountryCode`) REFERENCES `Country` (`Code`)
) ENGINE=InnoDB DEFAULT CHARSET=latin1;

INSERT INTO `Country` VALUES ('AND','Andorra','Europe','Southern Europe',468.00,1278,78000,83.5,1630.00,NULL,'Andorra','Parliamentary Coprincipality','',55,'AD');
INSERT INTO `Country` VALUES ('BEL','Belgium','Europe','Western Europe',30518.00,1830,10239000,77.8,249704.00,243948.00,'België/Belgique','Constitutional Monarchy, Federation','Albert II',179,'BE');
INSERT INTO `Country` VALUES ('CHE','Switzerland','Europe','Western Europe',41284.00,1499,7160400,79.6,264478.00,256092.00,'Schweiz/Suisse/Svizzera/Svizra','Federation','Adolf Ogi',3248,'CH');
INSERT INTO `Country` VALUES ('ISL','Iceland','Europe','Nordic Countries',103000.00,1944,279000,79.4,8255.00,7474.00,'Ísland','Republic','Ólafur Ragnar Grímsson',1449,'IS');
INSERT INTO `Country` VALUES ('LUX','Luxembourg','Europe','Western Europe',2586.00,1867,435700,77.1,16321.00,15519.00,'Luxembourg/Lëtzebuerg','Constitutional Monarchy','Henri',2452,'LU');
INSERT INTO `Country` VALUES ('NLD','Netherlands','Europe','Western Europe',41526.00,1581,15864000,78.3,371362.00,360478.00,'Nederland','Constitutional Monarchy','Beatrix',5,'NL');

INSERT INTO `City` VALUES (5,'Amsterdam','NLD','Noord-Holland',731200);
INSERT INTO `City` VALUES (6,'Rotterdam','NLD','Zuid-Holland',593321);
INSERT INTO `City` VALUES (7,'Haag','NLD','Zuid-Holland',440900);
INSERT INTO `City` VALUES (8,'Utrecht','NLD','Utrecht',234323);
INSERT INTO `City` VALUES (9,'Eindhoven','NLD','Noord-Brabant',201843);
INSERT INTO `City` VALUES (10,'Tilburg','NLD','Noord-Brabant',193238);
INSERT INTO `City` VALUES (11,'Groningen','NLD','Groningen',172701);
INSERT INTO `City` VALUES (12,'Breda','NLD','Noord-Brabant',160398);
INSERT INTO `City` VALUES (13,'Apeldoorn','NLD','Gelderland',153491);
INSERT INTO `City` VALUES (14,'Nijmegen','NLD','Gelderland',152463);
INSERT INTO `City` VALUES (15,'Enschede','NLD','Overijssel',149544);
INSERT INTO `City` VALUES (16,'Haarlem','NLD','Noord-Holland',148772);
INSERT INTO `City` VALUES (17,'Almere','NLD','Flevoland',142465);
INSERT INTO `City` VALUES (18,'Arnhem','NLD','Gelderland',138020);
INSERT INTO `City` VALUES (19,'Zaanstad','NLD','Noord-Holland',135621);
INSERT INTO `City` VALUES (20,'´s-Hertogenbosch','NLD','Noord-Brabant',129170);
INSERT INTO `City` VALUES (21,'Amersfoort','NLD','Utrecht',126270);
INSERT INTO `City` VALUES (22,'Maastricht','NLD','Limburg',122087);
INSERT INTO `City` VALUES (23,'Dordrecht','NLD','Zuid-Holland',119811);
INSERT INTO `City` VALUES (24,'Leiden','NLD','Zuid-Holland',117196);
INSERT INTO `City` VALUES (25,'Haarlemmermeer','NLD','Noord-Holland',110722);
INSERT INTO `City` VALUES (26,'Zoetermeer','NLD','Zuid-Holland',110214);
INSERT INTO `City` VALUES (27,'Emmen','NLD','Drenthe',105853);
INSERT INTO `City` VALUES (28,'Zwolle','NLD','Overijssel',105819);
INSERT INTO `City` VALUES (29,'Ede','NLD','Gelderland',101574);
INSERT INTO `City` VALUES (30,'Delft','NLD','Zuid-Holland',95268);
INSERT INTO `City` VALUES (31,'Heerlen','NLD','Limburg',95052);
INSERT INTO `City` VALUES (32,'Alkmaar','NLD','Noord-Holland',92713);
INSERT INTO `City` VALUES (55,'Andorra la Vella','AND','Andorra la Vella',21189);
INSERT INTO `City` VALUES (175,'Antwerpen','BEL','Antwerpen',446525);
INSERT INTO `City` VALUES (176,'Gent','BEL','East Flanderi',224180);
INSERT INTO `City` VALUES (177,'Charleroi','BEL','Hainaut',200827);
INSERT INTO `City` VALUES (178,'Liège','BEL','Liège',185639);
INSERT INTO `City` VALUES (179,'Bruxelles [Brussel]','BEL','Bryssel',133859);
INSERT INTO `City` VALUES (180,'Brugge','BEL','West Flanderi',116246);
INSERT INTO `City` VALUES (181,'Schaerbeek','BEL','Bryssel',105692);
INSERT INTO `City` VALUES (182,'Namur','BEL','Namur',105419);
INSERT INTO `City` VALUES (183,'Mons','BEL','Hainaut',90935);
INSERT INTO `City` VALUES (1449,'Reykjavík','ISL','Höfuðborgarsvæði',109184);
INSERT INTO `City` VALUES (2452,'Luxembourg [Luxemburg/Lëtzebuerg]','LUX','Luxembourg',80700);
INSERT INTO `City` VALUES (3245,'Zürich','CHE','Zürich',336800);
INSERT INTO `City` VALUES (3246,'Geneve','CHE','Geneve',173500);
INSERT INTO `City` VALUES (3247,'Basel','CHE','Basel-Stadt',166700);
INSERT INTO `City` VALUES (3248,'Bern','CHE','Bern',122700);
INSERT INTO `City` VALUES (3249,'Lausanne','CHE','Vaud',114500);

INSERT INTO `CountryLanguage` VALUES ('AND','Catalan','T',32.3);
INSERT INTO `CountryLanguage` VALUES ('AND','French','F',6.2);
INSERT INTO `CountryLanguage` VALUES ('AND','Portuguese','F',10.8);
INSERT INTO `CountryLanguage` VALUES ('AND','Spanish','F',44.6);
INSERT INTO `CountryLanguage` VALUES ('BEL','Arabic','F',1.6);
INSERT INTO `CountryLanguage` VALUES ('BEL','Dutch','T',59.2);
INSERT INTO `CountryLanguage` VALUES ('BEL','French','T',32.6);
INSERT INTO `CountryLanguage` VALUES ('BEL','German','T',1.0);
INSERT INTO `CountryLanguage` VALUES ('BEL','Italian','F',2.4);
INSERT INTO `CountryLanguage` VALUES ('BEL','Turkish','F',0.9);
INSERT INTO `CountryLanguage` VALUES ('CHE','French','T',19.2);
INSERT INTO `CountryLanguage` VALUES ('CHE','German','T',63.6);
INSERT INTO `CountryLanguage` VALUES ('CHE','Italian','T',7.7);
INSERT INTO `CountryLanguage` VALUES ('CHE','Romansh','T',0.6);
INSERT INTO `CountryLanguage` VALUES ('ISL','English','F',0.0);
INSERT INTO `CountryLanguage` VALUES ('ISL','Icelandic','T',95.7);
INSERT INTO `CountryLanguage` VALUES ('LUX','French','T',4.2);
INSERT INTO `CountryLanguage` VALUES ('LUX','German','T',2.3);
INSERT INTO `CountryLanguage` VALUES ('LUX','Italian','F',4.6);
INSERT INTO `CountryLanguage` VALUES ('LUX','Luxembourgish','T',64.4);
INSERT INTO `CountryLanguage` VALUES ('LUX','Portuguese','F',13.0);
INSERT INTO `CountryLanguage` VALUES ('NLD','Arabic','F',0.9);
INSERT INTO `CountryLanguage` VALUES ('NLD','Dutch','T',95.6);
INSERT INTO `CountryLanguage` VALUES ('NLD','Fries','F',3.7);
INSERT INTO `CountryLanguage` VALUES ('NLD','Turkish','F',0.8);

SET FOREIGN_KEY_CHECKS=1;
